import type { BranchClaims } from '@branch-envs/shared/deployments/branchClaims';
import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { rejectRequested } from '@branch-envs/shared/deployments/requestRecords';
import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { DeploymentLookup, LiveDeployment } from '../domain/ports';

const isUrl = (value: string | undefined): value is string => {
  if (value === undefined) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** A FAILED deployment may still hold a kept instance, but it should not block a new attempt. */
const blocksBranch = (record: DeploymentRecord): boolean =>
  isLive(record.status) && record.status !== 'FAILED';

const summary = (record: DeploymentRecord, branch: string): LiveDeployment => ({
  deployId: record.deployId,
  branch,
  status: record.status,
  ...(isUrl(record.url) ? { url: record.url } : {}),
  expiresAt: record.expiresAt,
});

/**
 * "Is this branch already running?" in two parts. The claim (a conditional write, see
 * {@link BranchClaims}) decides between concurrent requests; the `branch-createdAt` GSI then finds
 * a `--fresh` environment of the branch that never held the claim. The request's own deployId is
 * skipped: a redelivered request must not find its own deployment.
 */
export const createDeploymentLookup = (
  repository: DeploymentRepository,
  claims: BranchClaims,
  now: () => Date = () => new Date(),
): DeploymentLookup => {
  const liveDeploymentOf = async (branch: string, exceptDeployId: string) => {
    for await (const record of repository.byBranch(branch, { newestFirst: true })) {
      if (record.deployId !== exceptDeployId && blocksBranch(record)) return summary(record, branch);
    }
    return undefined;
  };
  return {
    liveDeploymentOf,
    async claimBranch(branch, deployId) {
      // The holder's record as the claim last read it: a lost claim is answered from it, not re-read.
      let holder: DeploymentRecord | undefined;
      const outcome = await claims.claim(branch, deployId, async (holderId) => {
        const item = await repository.get(holderId);
        holder = item?.kind === 'deployment' ? item : undefined;
        return holder !== undefined && blocksBranch(holder);
      });
      if (outcome.claimed) return liveDeploymentOf(branch, deployId);
      return holder?.deployId === outcome.holder
        ? summary(holder, branch)
        : { deployId: outcome.holder, branch, status: 'REQUESTED' };
    },
    async markRejected(deployId, reason) {
      await rejectRequested(repository, deployId, {
        step: 'rejected',
        note: reason.code,
        at: now(),
        rejection: reason,
      });
    },
    async priorRejection(deployId) {
      const item = await repository.get(deployId);
      return item?.kind === 'deployment' && item.status === 'REJECTED' ? item.rejection : undefined;
    },
  };
};
