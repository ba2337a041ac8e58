import { rejectRequested } from '@branch-envs/shared/deployments/requestRecords';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import { STEPS } from '../history';
import type { QuotaRejection } from '../ports';
import type { Job, ProvisionDeps, Step } from './job';
import { checkQuota } from './quota';

/** The owner's quota as it stands for this job's deployment. */
export const quotaFor = async (job: Job, deps: ProvisionDeps) =>
  checkQuota(
    deps.ports.repository,
    deps.settings.quota,
    { deployId: job.detail.data.deployId, ownerId: job.detail.data.owner.userId },
    (await deps.ports.heldSlots?.()) ?? [],
  );

/**
 * `REQUESTED → RESOLVED` on the record ingress wrote when the user asked: the branch, its head and
 * the real expiry (counted from now, as for a record the provisioner creates). Undefined when the
 * record moved on meanwhile (a terminate), so the caller resumes from what it is now.
 */
export const resolveRecord = async (job: Job, deps: ProvisionDeps): Promise<DeploymentRecord | undefined> => {
  const { deployId, branch, headSha, prNumber, ttlSeconds } = job.detail.data;
  const now = deps.ports.now();
  try {
    return await deps.ports.repository.transition(deployId, {
      to: 'RESOLVED',
      from: ['REQUESTED'],
      step: STEPS.resolved,
      at: now,
      set: {
        branch,
        headSha,
        prNumber,
        ttlSeconds,
        expiresAt: Math.floor(now.getTime() / 1000) + ttlSeconds,
      },
    });
  } catch (error) {
    if (error instanceof TransitionConflictError) return undefined;
    throw error;
  }
};

/** Over a quota: the REQUESTED record ends as REJECTED (if nothing moved it on), then DeployRejected. */
export const rejectRequest = async (
  job: Job,
  rejection: QuotaRejection,
  deps: ProvisionDeps,
): Promise<void> => {
  job.log.info('Rejecting the deployment: quota reached', { scope: rejection.scope, limit: rejection.limit });
  await rejectRequested(deps.ports.repository, job.detail.data.deployId, {
    step: 'rejected',
    note: 'quota_exceeded',
    at: deps.ports.now(),
    rejection: {
      code: 'quota_exceeded',
      scope: rejection.scope,
      limit: rejection.limit,
      live: rejection.live,
    },
  });
  await deps.ports.events.rejected(job.detail, rejection);
};

/**
 * REJECTED: a redelivery after the rejection's publish failed answers what the record holds
 * (the same eventId, so a copy is dropped downstream). Other services' rejections are theirs to answer.
 */
export const republishRejection: Step = async (job, record, deps) => {
  const rejection = record.rejection;
  if (rejection?.code !== 'quota_exceeded') return;
  const { scope, limit, live } = rejection;
  await deps.ports.events.rejected(job.detail, { scope, limit, live });
};
