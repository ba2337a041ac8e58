import { branchOf } from '@branch-envs/shared/deployments/table';
import { InstanceUpdated } from '@branch-envs/shared/events/InstanceUpdated';
import { UpdateFailed } from '@branch-envs/shared/events/UpdateFailed';
import { UpdateRefused } from '@branch-envs/shared/events/UpdateRefused';
import type { OutgoingEventOf, Publisher } from '@branch-envs/shared/publish';
import type { UpdateEvents, UpdateOutcome, UpdateRefusal } from '../domain/update/ports';

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

/** UpdateRefused, caused by the request: a redelivered request publishes the same eventId. */
export const updateRefusedEvent = ({
  request,
  code,
  message,
  runningHeadSha,
}: UpdateRefusal): OutgoingEventOf<'provisioner'> => ({
  contract: UpdateRefused,
  cause: request.metadata,
  data: {
    requestId: request.data.requestId,
    deployId: request.data.deployId,
    branch: request.data.branch,
    code,
    message: message.length <= 500 ? message : `${message.slice(0, 499)}…`,
    ...(runningHeadSha ? { runningHeadSha } : {}),
    replyTo: request.data.replyTo,
  },
});

export const createUpdateEvents = (publisher: Publisher<'provisioner'>): UpdateEvents => ({
  async published(outcome) {
    await publisher.publish([updateOutcomeEvent(outcome)]);
  },
  async refused(refusal) {
    await publisher.publish([updateRefusedEvent(refusal)]);
  },
});
