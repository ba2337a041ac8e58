import { pullFromRest } from '../../src/adapters/githubShapes';
import type { GithubPort, PullSummary } from '../../src/domain/ports';
import { CallBudgetExceededError } from '../../src/errors';
import {
  branchShas,
  OWNER,
  openPullsByUpdate,
  PULLS,
  type PullSpec,
  REPO,
  restPull,
  searchFixture,
} from './githubFixtures';

export interface FakeGithubOptions {
  pulls?: readonly PullSpec[];
  pageSize?: number;
  maxCalls?: number;
}

/**
 * GitHub for domain tests, in memory: the fixture repository through the same projection the real
 * adapter uses, with the same call budget, and a log of the calls made.
 */
export const fakeGithub = ({ pulls = PULLS, pageSize = 100, maxCalls = 2 }: FakeGithubOptions = {}) => {
  const calls: string[] = [];
  const spend = (call: string): void => {
    if (calls.length >= maxCalls) throw new CallBudgetExceededError(maxCalls);
    calls.push(call);
  };
  const summary = (p: PullSpec): PullSummary => pullFromRest(restPull(p));
  const shas = branchShas();
  const port: GithubPort & { calls: string[] } = {
    repository: `${OWNER}/${REPO}`,
    calls,
    get callsLeft() {
      return maxCalls - calls.length;
    },
    async openPulls(cursor) {
      const page = Number(cursor ?? 1);
      spend(`openPulls(${page})`);
      const open = openPullsByUpdate(pulls);
      const slice = open.slice((page - 1) * pageSize, page * pageSize).map(summary);
      return page * pageSize < open.length ? { pulls: slice, next: String(page + 1) } : { pulls: slice };
    },
    async pull(number) {
      spend(`pull(${number})`);
      const found = pulls.find((p) => p.number === number);
      return found ? summary(found) : undefined;
    },
    async searchPulls(q, perPage) {
      spend(`search(${q})`);
      const hits = searchFixture(q, pulls);
      return {
        kind: 'hits',
        total: hits.length,
        hits: hits.slice(0, perPage).map((p) => ({ number: p.number, state: p.state ?? 'open' })),
      };
    },
    async branch(name) {
      spend(`branch(${name})`);
      const sha = shas.get(name);
      return sha ? { name, sha } : undefined;
    },
  };
  return port;
};
