import { branchOf } from '@branch-envs/shared/deployments/table';
import { InstanceUpdated } from '@branch-envs/shared/events/InstanceUpdated';
import { UpdateFailed } from '@branch-envs/shared/events/UpdateFailed';
import type { OutgoingEventOf, Publisher } from '@branch-envs/shared/publish';
import type { UpdateEvents, UpdateOutcome } from '../domain/update/ports';

const clip = (text: string): string => (text.length <= 1000 ? text : `${text.slice(0, 999)}…`);

/**
 * InstanceUpdated or UpdateFailed for an ended update. The cause is the update's own id, so every
 * retry publishes the same eventId and the notifier keeps one copy.
 */
export const updateOutcomeEvent = (outcome: UpdateOutcome): OutgoingEventOf<'provisioner'> => {
  const { record, update } = outcome;
  const cause = { eventId: update.id, correlationId: record.deployId };
  const common = {
    deployId: record.deployId,
    branch: branchOf(record),
    instanceId: record.instanceId as string,
    url: record.url as string,
    headSha: update.build.headSha,
    sequence: update.sequence,
    replyTo: record.replyTo,
  };
  if (outcome.kind === 'updated')
    return {
      contract: InstanceUpdated,
      cause,
      data: {
        ...common,
        ...(outcome.previous ? { previousHeadSha: outcome.previous.headSha } : {}),
        builtAt: update.build.builtAt,
        reseeded: outcome.update.reseed,
      },
    };
  return {
    contract: UpdateFailed,
    cause,
    data: {
      ...common,
      reason: outcome.reason,
      message: clip(outcome.message),
      ...(outcome.oldBuildRunning && record.build ? { runningHeadSha: record.build.headSha } : {}),
      oldBuildRunning: outcome.oldBuildRunning,
    },
  };
};

export const createUpdateEvents = (publisher: Publisher<'provisioner'>): UpdateEvents => ({
  async published(outcome) {
    await publisher.publish([updateOutcomeEvent(outcome)]);
  },
});
