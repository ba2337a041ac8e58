import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { EventMetadata } from '@branch-envs/shared/envelope';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { DeployFailed } from '@branch-envs/shared/events/DeployFailed';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import { InstanceLaunched } from '@branch-envs/shared/events/InstanceLaunched';
import { InstanceReady } from '@branch-envs/shared/events/InstanceReady';
import { InstanceTerminated } from '@branch-envs/shared/events/InstanceTerminated';
import type { Cause, Publisher } from '@branch-envs/shared/publish';
import { type Failure, withinLimits } from './failures';
import type { LaunchedInstance } from './ports';
import type { QuotaVerdict } from './quota';

/** The deployment's facts every outgoing event repeats, from the event or from the record. */
type Subject = Pick<BranchResolved['data'], 'deployId' | 'branch' | 'replyTo'>;

/**
 * The events the provisioner publishes, built from what it knows. Each takes its cause's metadata,
 * so correlation carries over and a retried handler re-publishes the same eventIds (consumers then
 * drop the copy).
 */
export const outgoing = (publisher: Publisher<'provisioner'>) => ({
  async rejected(detail: BranchResolved, verdict: Extract<QuotaVerdict, { allowed: false }>): Promise<void> {
    const { data, metadata } = detail;
    await publisher.publish([
      {
        contract: DeployRejected,
        cause: metadata,
        data: {
          deployId: data.deployId,
          query: data.query,
          reason: { code: 'quota_exceeded', scope: verdict.scope, limit: verdict.limit, live: verdict.live },
          owner: data.owner,
          replyTo: data.replyTo,
        },
      },
    ]);
  },

  async terminated(
    detail: BranchResolved,
    extra: { instanceId?: string; terminatedBy?: string },
  ): Promise<void> {
    const { data, metadata } = detail;
    await publisher.publish([
      {
        contract: InstanceTerminated,
        cause: metadata,
        data: {
          deployId: data.deployId,
          branch: data.branch,
          instanceId: extra.instanceId ?? null,
          reason: 'user',
          ...(extra.terminatedBy ? { terminatedBy: extra.terminatedBy } : {}),
          owner: data.owner,
          replyTo: data.replyTo,
        },
      },
    ]);
  },

  async launched(
    detail: BranchResolved,
    record: DeploymentRecord,
    instance: LaunchedInstance,
  ): Promise<EventMetadata> {
    const [published] = await publisher.publish([
      {
        contract: InstanceLaunched,
        cause: detail.metadata,
        data: {
          deployId: record.deployId,
          branch: record.branch,
          instanceId: instance.instanceId,
          instanceType: instance.instanceType,
          ...(instance.availabilityZone ? { availabilityZone: instance.availabilityZone } : {}),
          expiresAt: record.expiresAt,
          replyTo: record.replyTo,
        },
      },
    ]);
    if (!published) throw new Error('the publisher returned no metadata for InstanceLaunched');
    return published.metadata;
  },

  async ready(
    cause: Cause,
    record: DeploymentRecord,
    instanceId: string,
    url: string,
    detectedBy: InstanceReady['data']['detectedBy'],
  ): Promise<void> {
    await publisher.publish([
      {
        contract: InstanceReady,
        cause,
        data: {
          deployId: record.deployId,
          branch: record.branch,
          instanceId,
          url,
          expiresAt: record.expiresAt,
          detectedBy,
          replyTo: record.replyTo,
        },
      },
    ]);
  },

  async failed(
    cause: Cause,
    subject: Subject,
    failure: Failure,
    extra: { instanceId?: string; instanceKept?: boolean } = {},
  ): Promise<void> {
    const limited = withinLimits(failure);
    await publisher.publish([
      {
        contract: DeployFailed,
        cause,
        data: {
          deployId: subject.deployId,
          branch: subject.branch,
          reason: limited.reason,
          message: limited.message,
          ...(extra.instanceId ? { instanceId: extra.instanceId } : {}),
          hints: limited.hints,
          instanceKept: extra.instanceKept ?? false,
          replyTo: subject.replyTo,
        },
      },
    ]);
  },
});

export type Outgoing = ReturnType<typeof outgoing>;
