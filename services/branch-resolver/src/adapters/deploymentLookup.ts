import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentLookup, LiveDeployment } from '../domain/ports';

const isUrl = (value: string | undefined): value is string => {
  if (value === undefined) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/**
 * "Is this branch already running?" through the deployments table's `branch-createdAt` GSI, newest
 * first, never a Scan. The request's own deployId is skipped: after a crash between publishing
 * BranchResolved and finishing, the redelivered request must not find its own deployment.
 */
export const createDeploymentLookup = (repository: DeploymentRepository): DeploymentLookup => ({
  async liveDeploymentOf(branch, exceptDeployId): Promise<LiveDeployment | undefined> {
    for await (const record of repository.byBranch(branch, { newestFirst: true })) {
      // A FAILED deployment may still hold a kept instance, but it should not block a new attempt.
      if (record.deployId === exceptDeployId || !isLive(record.status) || record.status === 'FAILED')
        continue;
      return {
        deployId: record.deployId,
        branch: record.branch,
        status: record.status,
        ...(isUrl(record.url) ? { url: record.url } : {}),
        expiresAt: record.expiresAt,
      };
    }
    return undefined;
  },
});
