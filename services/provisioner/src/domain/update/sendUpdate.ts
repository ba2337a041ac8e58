import { branchOf, type DeploymentRecord, type UpdateInFlight } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import { checkDelaySeconds } from './checkDelay';
import { endUpdate } from './endUpdate';
import type { UpdateDeps } from './ports';
import { UpdateInputError, updateInputFor } from './updateInput';

/** SSM's answers that mean the command can never reach this instance: no retry helps. */
const UNDELIVERABLE = new Set(['InvalidInstanceId', 'InvalidDocument', 'UnsupportedPlatformType']);

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * How long the instance may take: fetch, start the new build within the boot timeout, and, when it
 * is not healthy, start the previous one within it again.
 */
export const commandTimeoutSeconds = (bootTimeoutSeconds: number): number => 2 * bootTimeoutSeconds + 300;

/** Builds the input and sends the command; `undelivered` when no retry can help. */
const send = async (
  record: DeploymentRecord,
  update: UpdateInFlight,
  deps: UpdateDeps,
): Promise<{ commandId: string } | { undelivered: string }> => {
  const { ports, settings } = deps;
  try {
    const input = await updateInputFor(
      { ...update, deployId: record.deployId, branch: branchOf(record) },
      { artifacts: settings.artifacts, app: settings.app, bucket: settings.artifactBucket },
      ports.links,
    );
    const commandId = await ports.commands.send({
      documentName: settings.documentName,
      instanceId: record.instanceId as string,
      parameters: { UpdateInput: input },
      timeoutSeconds: commandTimeoutSeconds(settings.bootTimeoutSeconds),
      comment: `branch-envs update ${update.sequence} of ${record.deployId}`,
    });
    return { commandId };
  } catch (error) {
    const name = errorName(error);
    if (!(error instanceof UpdateInputError) && !UNDELIVERABLE.has(name ?? '')) throw error;
    return { undelivered: error instanceof Error ? error.message : String(name) };
  }
};

/**
 * Sends the started update to the instance through the stack's update document, records the
 * command, and schedules the first check of its result on the provisioner's own queue. An update
 * that cannot be delivered ends at once as `not_delivered`; the old build keeps running, and the
 * build that waited meanwhile, if any, is returned to be offered next.
 */
export const sendUpdate = async (record: DeploymentRecord, deps: UpdateDeps): Promise<Build | undefined> => {
  const { ports, settings } = deps;
  const update = record.update as UpdateInFlight;
  const sent = await send(record, update, deps);
  if ('undelivered' in sent) {
    const message = `The update could not be sent to ${record.instanceId} (${sent.undelivered}); the environment keeps its build.`;
    return endUpdate(
      record,
      { kind: 'failed', reason: 'not_delivered', message, oldBuildRunning: true },
      deps,
    );
  }
  if (!(await ports.store.attachCommand(record.deployId, update.sequence, sent.commandId))) return undefined;
  const timeoutMs = commandTimeoutSeconds(settings.bootTimeoutSeconds) * 1000;
  const deadline = new Date(Date.parse(update.startedAt) + timeoutMs).toISOString();
  await ports.checks.schedule(
    { kind: 'update-check', deployId: record.deployId, sequence: update.sequence, attempt: 1, deadline },
    checkDelaySeconds(1, settings.checkIntervalSeconds),
  );
  deps.log.info('Update sent', {
    deployId: record.deployId,
    commandId: sent.commandId,
    sequence: update.sequence,
  });
  return undefined;
};
