import type { DeploymentRecord, UpdateInFlight } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import type { UpdateFailureReason } from '@branch-envs/shared/events/UpdateFailed';
import { isNewerBuild, shortSha } from './builds';
import type { UpdateDeps, UpdateOutcome } from './ports';

export type UpdateVerdict =
  | { kind: 'updated' }
  | { kind: 'failed'; reason: UpdateFailureReason; message: string; oldBuildRunning: boolean };

export const UPDATE_STEPS = {
  started: 'update started',
  updated: 'updated',
  failed: 'update failed',
} as const;

const historyNote = (update: UpdateInFlight, verdict: UpdateVerdict): string =>
  verdict.kind === 'updated'
    ? `to ${shortSha(update.build.headSha)}, built ${update.build.builtAt}`
    : `${shortSha(update.build.headSha)}: ${verdict.reason}`;

/**
 * Ends the running update: publishes its outcome first (the ids derive from the update's own id,
 * so a retry re-publishes the same event and the notifier drops the copy), then clears it from the
 * record with a write conditional on its number. Returns the build that waited meanwhile, when it
 * is newer than what now runs: the caller offers it next.
 */
export const endUpdate = async (
  record: DeploymentRecord,
  verdict: UpdateVerdict,
  deps: UpdateDeps,
): Promise<Build | undefined> => {
  const { ports } = deps;
  const update = record.update as UpdateInFlight;
  const outcome: UpdateOutcome =
    verdict.kind === 'updated'
      ? { kind: 'updated', record, update, ...(record.build ? { previous: record.build } : {}) }
      : { ...verdict, record, update };
  await ports.events.published(outcome);
  const ended = await ports.store.finish(record.deployId, {
    sequence: update.sequence,
    succeeded: verdict.kind === 'updated',
    step: verdict.kind === 'updated' ? UPDATE_STEPS.updated : UPDATE_STEPS.failed,
    note: historyNote(update, verdict),
    at: ports.now(),
  });
  deps.log.info('Update ended', {
    deployId: record.deployId,
    sequence: update.sequence,
    verdict: verdict.kind,
  });
  if (!ended?.pending || !isNewerBuild(ended.pending, ended.record.build)) return undefined;
  return ended.pending;
};
