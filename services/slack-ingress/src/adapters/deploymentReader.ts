import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { isLive, LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentReader } from '../domain/ports';

const take = async <T>(items: AsyncIterable<T>, limit: number): Promise<T[]> => {
  const out: T[] = [];
  if (limit <= 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
};

/**
 * The reads `list`, `status` and the ownership pre-checks need, on the shared repository: the key,
 * or one of the three GSIs, never a Scan. `maxItems` bounds each query so a reply stays fast.
 */
export const createDeploymentReader = (
  repository: DeploymentRepository,
  { maxItems = 200 }: { maxItems?: number } = {},
): DeploymentReader => ({
  get: (deployId) => repository.get(deployId),
  live: async () => {
    const perStatus = await Promise.all(
      LIVE_STATUSES.map((status) => take(repository.byStatus(status), maxItems)),
    );
    return perStatus.flat();
  },
  liveByOwner: async (ownerId) =>
    (await take(repository.byOwner(ownerId, { newestFirst: true }), maxItems)).filter((r) =>
      isLive(r.status),
    ),
  byBranch: (branch, limit) =>
    take(repository.byBranch(branch, { newestFirst: true }), Math.min(limit, maxItems)),
});
