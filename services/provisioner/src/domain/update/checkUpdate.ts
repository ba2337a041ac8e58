import type { DeploymentRecord, UpdateInFlight } from '@branch-envs/shared/deployments/table';
import { healthUrl } from '../readiness/appUrl';
import { checkDelaySeconds } from './checkDelay';
import { endUpdate, type UpdateVerdict } from './endUpdate';
import { offerBuild } from './offerBuild';
import type { CommandResult, UpdateCheckMessage, UpdateDeps } from './ports';

/** The exit codes of `branch-envs-update` (cloud-init/profiles/jvm-postgres/scripts/branch-envs-update.sh). */
export const UPDATE_EXIT = { updated: 0, invalidInput: 2, fetchFailed: 3, rolledBack: 4, down: 5 } as const;

export type CheckOutcome = 'waiting' | 'ended' | 'ignored';

/** The app's URL, from what EC2 told the launch (the record's URL is the one users open). */
const appHealthy = async (record: DeploymentRecord, deps: UpdateDeps): Promise<boolean> => {
  if (!record.url) return false;
  const result = await deps.ports.health.check(healthUrl(record.url, deps.settings.healthPath));
  return result.healthy;
};

const tail = (output: string): string => output.trim().split('\n').slice(-1)[0]?.slice(0, 300) ?? '';

/**
 * What the command's result means. The script's exit code says what it did; the provisioner's
 * own health check confirms what users will see, so "updated" is never claimed for an app that
 * does not answer, and "the old build still runs" only when it does.
 */
export const verdictOf = async (
  result: Exclude<CommandResult, { status: 'pending' }>,
  record: DeploymentRecord,
  deps: UpdateDeps,
): Promise<UpdateVerdict> => {
  const healthy = await appHealthy(record, deps);
  const sha = (record.update as UpdateInFlight).build.headSha.slice(0, 7);
  if (result.status === 'success' && result.responseCode === UPDATE_EXIT.updated && healthy)
    return { kind: 'updated' };
  if (result.responseCode === UPDATE_EXIT.fetchFailed || result.responseCode === UPDATE_EXIT.invalidInput)
    return {
      kind: 'failed',
      reason: 'fetch_failed',
      message: `The build of ${sha} could not be fetched or verified (${tail(result.output) || `exit ${result.responseCode}`}); the environment was not touched.`,
      oldBuildRunning: healthy,
    };
  if (result.status === 'undeliverable' || result.responseCode === -1)
    return {
      kind: 'failed',
      reason: 'not_delivered',
      message: `SSM could not run the update on the instance (${result.status}).`,
      oldBuildRunning: healthy,
    };
  if (healthy)
    return {
      kind: 'failed',
      reason: 'unhealthy_rolled_back',
      message: `The build of ${sha} did not become healthy in time, so the previous build was restored and still runs.`,
      oldBuildRunning: true,
    };
  return {
    kind: 'failed',
    reason: 'environment_down',
    message: `The update to ${sha} failed (${result.status}, exit ${result.responseCode}) and the environment does not answer its health check.`,
    oldBuildRunning: false,
  };
};

const reschedule = (message: UpdateCheckMessage, deps: UpdateDeps): Promise<void> =>
  deps.ports.checks.schedule(
    { ...message, attempt: message.attempt + 1 },
    checkDelaySeconds(message.attempt + 1, deps.settings.checkIntervalSeconds),
  );

/** The result to act on: SSM's, or a timeout once the deadline passed with the command still running. */
const resultOf = async (
  update: UpdateInFlight,
  instanceId: string,
  message: UpdateCheckMessage,
  deps: UpdateDeps,
): Promise<CommandResult> => {
  const result = update.commandId
    ? await deps.ports.commands.result(update.commandId, instanceId)
    : ({ status: 'pending' } as const);
  const late = deps.ports.now().getTime() > Date.parse(message.deadline);
  if (result.status === 'pending' && late) return { status: 'timed_out', responseCode: -1, output: '' };
  return result;
};

/**
 * One check of a running update, from its delayed message: still running → check again later;
 * done → end the update with what it did, and offer the build that waited meanwhile.
 */
export const checkUpdate = async (message: UpdateCheckMessage, deps: UpdateDeps): Promise<CheckOutcome> => {
  const record = await deps.ports.store.get(message.deployId);
  const update = record?.update;
  if (!record?.instanceId || update?.sequence !== message.sequence) return 'ignored';
  const result = await resultOf(update, record.instanceId, message, deps);
  if (result.status === 'pending') {
    await reschedule(message, deps);
    return 'waiting';
  }
  const verdict = await verdictOf(result, record, deps);
  const waiting = await endUpdate(record, verdict, deps);
  if (waiting) await offerBuild(record.deployId, waiting, { reseed: false, requested: true }, deps);
  return 'ended';
};
