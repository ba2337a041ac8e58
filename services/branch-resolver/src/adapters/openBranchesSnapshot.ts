import type { Logger } from '@aws-lambda-powertools/logger';
import { OPEN_BRANCHES_KEY, type OpenBranchesSnapshot } from '@branch-envs/shared/openBranches';
import type { PullPage } from '../domain/ports';
import type { EtagCache } from './etagCache';

const MAX_BRANCHES = 100;

/**
 * Keeps the first page of open pull requests where the Deploy form's type-ahead reads it (ADR 0026):
 * one item of the cache table under its own key. Failing to write it only costs the form fresh
 * options, so it is logged, never thrown.
 */
export const rememberOpenBranches = async (
  cache: EtagCache,
  page: PullPage,
  logger: Pick<Logger, 'warn'>,
  now: () => number = Date.now,
): Promise<void> => {
  const snapshot: OpenBranchesSnapshot = {
    listedAt: new Date(now()).toISOString(),
    branches: page.pulls
      .filter((pull) => pull.state === 'open' && !pull.fromFork)
      .slice(0, MAX_BRANCHES)
      .map((pull) => ({
        branch: pull.branch,
        prNumber: pull.number,
        title: pull.title.slice(0, 300),
        author: pull.author,
      })),
  };
  try {
    await cache.put(OPEN_BRANCHES_KEY, { etag: 'snapshot', body: snapshot });
  } catch (error) {
    logger.warn('Open branches for the Deploy form not written', { error });
  }
};
