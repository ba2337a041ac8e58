import { matchFragment } from '../../src/domain/matching';
import type { PullSummary } from '../../src/domain/ports';

let next = 1;
const pull = (branch: string, overrides: Partial<PullSummary> = {}): PullSummary => {
  next += 1;
  return {
    number: next,
    branch,
    headSha: 'a'.repeat(40),
    title: branch,
    url: `https://github.com/acme/shop/pull/${next}`,
    author: 'dev',
    updatedAt: '2026-11-20T00:00:00Z',
    state: 'open',
    draft: false,
    fromFork: false,
    ...overrides,
  };
};

const branchesOf = (result: ReturnType<typeof matchFragment>): string[] => {
  if (result.kind === 'one') return [result.match.pull.branch];
  if (result.kind === 'many') return result.ranked.map((r) => r.pull.branch);
  return [];
};

describe('matchFragment', () => {
  it('ranks a whole-word match above a word prefix above a match inside a word', () => {
    // Prepare
    const pulls = [pull('feature/shopping-search'), pull('feature/searchbar'), pull('fix/search')];

    // Act
    const result = matchFragment(pulls, 'search', false);

    // Assess
    expect(result.kind).toBe('many');
    // the two whole-word matches tie on time, so the newer pull request (higher number) leads
    expect(branchesOf(result)).toEqual(['fix/search', 'feature/shopping-search', 'feature/searchbar']);
  });

  it('puts the most recently updated first among equally good matches', () => {
    // Prepare
    const pulls = [
      pull('feature/cart-a', { updatedAt: '2026-11-01T00:00:00Z' }),
      pull('feature/cart-b', { updatedAt: '2026-11-03T00:00:00Z' }),
      pull('feature/cart-c', { updatedAt: '2026-11-02T00:00:00Z' }),
    ];

    // Act
    const result = matchFragment(pulls, 'cart', false);

    // Assess
    expect(branchesOf(result)).toEqual(['feature/cart-b', 'feature/cart-c', 'feature/cart-a']);
  });

  it('never lets a better rank inside the partial tier pick a winner', () => {
    // Prepare: one whole-word match and one inside a word are still two candidates
    const pulls = [pull('fix/cart'), pull('feature/cartography')];

    // Act
    const result = matchFragment(pulls, 'cart', false);

    // Assess
    expect(result.kind).toBe('many');
  });

  it('does not treat a fragment as a ticket id unless asked to', () => {
    // Prepare
    const pulls = [pull('feature/ABC-12-a'), pull('feature/ABC-123-b')];

    // Act
    const asTicket = matchFragment(pulls, 'ABC-12', true);
    const asFragment = matchFragment(pulls, 'ABC-12', false);

    // Assess
    expect(branchesOf(asTicket)).toEqual(['feature/ABC-12-a']);
    expect(asFragment.kind).toBe('many');
  });

  it('needs three letters for a fuzzy match', () => {
    // Prepare
    const pulls = [pull('a-b-c')];

    // Act + Assess
    expect(matchFragment(pulls, 'a b', false).kind).toBe('none');
    expect(matchFragment(pulls, 'abc', false).kind).toBe('one');
  });
});
