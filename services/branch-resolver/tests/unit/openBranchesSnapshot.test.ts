import { OPEN_BRANCHES_KEY, OpenBranchesSnapshot } from '@branch-envs/shared/openBranches';
import type { CachedResponse, EtagCache } from '../../src/adapters/etagCache';
import { rememberOpenBranches } from '../../src/adapters/openBranchesSnapshot';
import type { PullSummary } from '../../src/domain/ports';

const pull = (number: number, overrides: Partial<PullSummary> = {}): PullSummary => ({
  number,
  branch: `feature/ABC-${number}`,
  headSha: 'a'.repeat(40),
  title: `PR ${number}`,
  url: `https://github.com/acme/shop/pull/${number}`,
  author: 'alice',
  updatedAt: '2026-12-01T08:00:00Z',
  state: 'open',
  draft: false,
  fromFork: false,
  ...overrides,
});

const memoryCache = () => {
  const items = new Map<string, CachedResponse>();
  const cache: EtagCache = {
    get: async (key) => items.get(key),
    put: async (key, entry) => void items.set(key, entry),
  };
  return { items, cache };
};

describe('the open branches the resolver keeps for the Deploy form', () => {
  it('keeps open pull requests of the repository itself, in the snapshot contract', async () => {
    // Prepare
    const { items, cache } = memoryCache();
    const page = { pulls: [pull(1), pull(2, { fromFork: true }), pull(3, { state: 'closed' })] };

    // Act
    await rememberOpenBranches(cache, page, { warn: () => undefined }, () => Date.UTC(2026, 11, 1));

    // Assess
    const snapshot = OpenBranchesSnapshot.parse(items.get(OPEN_BRANCHES_KEY)?.body);
    expect(snapshot.branches.map((b) => b.branch)).toEqual(['feature/ABC-1']);
  });

  it('logs and carries on when the cache cannot be written', async () => {
    // Prepare
    const warned: string[] = [];
    const cache: EtagCache = {
      get: async () => undefined,
      put: async () => Promise.reject(new Error('throttled')),
    };

    // Act / Assess
    await expect(
      rememberOpenBranches(cache, { pulls: [pull(1)] }, { warn: (m: string) => void warned.push(m) }),
    ).resolves.toBeUndefined();
    expect(warned).toHaveLength(1);
  });
});
