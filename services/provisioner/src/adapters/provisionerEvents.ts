import { branchOf, type DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { DeployFailed } from '@branch-envs/shared/events/DeployFailed';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import { InstanceLaunched } from '@branch-envs/shared/events/InstanceLaunched';
import { InstanceReadyV2 } from '@branch-envs/shared/events/InstanceReady.v2';
import { InstanceTerminated } from '@branch-envs/shared/events/InstanceTerminated';
import type { Cause, OutgoingEvent, OutgoingEventOf, Publisher } from '@branch-envs/shared/publish';
import { type Failure, withinLimits } from '../domain/failures';
import type {
  DetectedBy,
  EventSubject,
  LaunchedInstance,
  ProvisionerEvents,
  QuotaRejection,
} from '../domain/ports';
import { type DeployMetrics, NO_DEPLOY_METRICS } from './deployMetrics';

export const rejectedEvent = (
  detail: BranchResolved,
  rejection: QuotaRejection,
): OutgoingEvent<typeof DeployRejected> => ({
  contract: DeployRejected,
  cause: detail.metadata,
  data: {
    deployId: detail.data.deployId,
    query: detail.data.query,
    reason: { code: 'quota_exceeded', scope: rejection.scope, limit: rejection.limit, live: rejection.live },
    owner: detail.data.owner,
    replyTo: detail.data.replyTo,
  },
});

export const terminatedEvent = (
  detail: BranchResolved,
  extra: { instanceId?: string; terminatedBy?: string },
): OutgoingEvent<typeof InstanceTerminated> => ({
  contract: InstanceTerminated,
  cause: detail.metadata,
  data: {
    deployId: detail.data.deployId,
    branch: detail.data.branch,
    instanceId: extra.instanceId ?? null,
    reason: 'user',
    ...(extra.terminatedBy ? { terminatedBy: extra.terminatedBy } : {}),
    owner: detail.data.owner,
    replyTo: detail.data.replyTo,
  },
});

export const launchedEvent = (
  detail: BranchResolved,
  record: DeploymentRecord,
  instance: LaunchedInstance,
): OutgoingEvent<typeof InstanceLaunched> => ({
  contract: InstanceLaunched,
  cause: detail.metadata,
  data: {
    deployId: record.deployId,
    branch: branchOf(record),
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
    ...(instance.availabilityZone ? { availabilityZone: instance.availabilityZone } : {}),
    expiresAt: record.expiresAt,
    replyTo: record.replyTo,
  },
});

export const readyEvent = (
  cause: Cause,
  record: DeploymentRecord,
  instanceId: string,
  url: string,
  detectedBy: DetectedBy,
): OutgoingEvent<typeof InstanceReadyV2> => ({
  contract: InstanceReadyV2,
  cause,
  data: {
    deployId: record.deployId,
    branch: branchOf(record),
    instanceId,
    url,
    expiresAt: record.expiresAt,
    detectedBy,
    replyTo: record.replyTo,
    ...(record.cost ? { cost: record.cost } : {}),
  },
});

/** DeployFailed, clipped to the contract's limits so a long EC2 message never breaks publishing. */
export const failedEvent = (
  cause: Cause,
  subject: EventSubject,
  failure: Failure,
  extra: { instanceId?: string; instanceKept?: boolean } = {},
): OutgoingEvent<typeof DeployFailed> => {
  const limited = withinLimits(failure);
  return {
    contract: DeployFailed,
    cause,
    data: {
      deployId: subject.deployId,
      branch: branchOf(subject),
      reason: limited.reason,
      message: limited.message,
      ...(extra.instanceId ? { instanceId: extra.instanceId } : {}),
      hints: limited.hints,
      instanceKept: extra.instanceKept ?? false,
      replyTo: subject.replyTo,
    },
  };
};

/**
 * The provisioner's events port on the bus: each event is built from its contract and published
 * alone, so a failed publish throws and the handler's message is retried. A published outcome is
 * counted in `metrics` (the stage dashboard's deploys, time to ready and failures by reason).
 */
export const createProvisionerEvents = (
  publisher: Publisher<'provisioner'>,
  metrics: DeployMetrics = NO_DEPLOY_METRICS,
  now: () => Date = () => new Date(),
): ProvisionerEvents => {
  const publish = async (event: OutgoingEventOf<'provisioner'>): Promise<void> => {
    await publisher.publish([event]);
  };
  return {
    rejected: (detail, rejection) => publish(rejectedEvent(detail, rejection)),
    terminated: (detail, extra) => publish(terminatedEvent(detail, extra)),
    launched: async (detail, record, instance) => {
      const [published] = await publisher.publish([launchedEvent(detail, record, instance)]);
      if (!published) throw new Error('the publisher returned no metadata for InstanceLaunched');
      metrics.launched();
      return published.metadata;
    },
    ready: async (cause, record, instanceId, url, detectedBy) => {
      await publish(readyEvent(cause, record, instanceId, url, detectedBy));
      metrics.ready(record.createdAt, now());
    },
    failed: async (cause, subject, failure, extra) => {
      const event = failedEvent(cause, subject, failure, extra);
      await publish(event);
      metrics.failed(event.data.reason);
    },
  };
};
