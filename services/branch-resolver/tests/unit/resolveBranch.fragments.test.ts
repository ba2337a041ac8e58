import { resolveBranch } from '../../src/domain/resolveBranch';
import { typedQuery } from '../helpers/factories';
import { fakeGithub } from '../helpers/fakeGithubPort';
import { checkRow, NO_RULES, type Row } from '../helpers/resolutionTable';

/** Fragments and ticket ids against the 33-pull-request fixture repository. */
const TABLE: Row[] = [
  // exact names
  {
    name: 'an exact branch name beats the partial matches it is part of',
    query: 'login',
    expected: { found: 'login', pr: 44 },
  },
  {
    name: 'an exact name with slashes',
    query: 'team/alpha/feature/search',
    expected: { found: 'team/alpha/feature/search', pr: 52 },
  },
  {
    name: 'the same-case exact name beats a different-case one',
    query: 'release/2.0',
    expected: { found: 'release/2.0', pr: 53 },
  },
  {
    name: 'the other casing resolves to its own branch',
    query: 'Release/2.0',
    expected: { found: 'Release/2.0', pr: 54 },
  },
  {
    name: 'two names equal ignoring case are ambiguous, newest first',
    query: 'RELEASE/2.0',
    expected: { ambiguous: ['release/2.0', 'Release/2.0'] },
  },
  // ticket ids
  {
    name: 'a ticket id matches its branch',
    query: 'ABC-123',
    expected: { found: 'feature/ABC-123-login-page', pr: 42 },
  },
  {
    name: 'a ticket id ignores case',
    query: 'abc-123',
    expected: { found: 'feature/ABC-123-login-page', pr: 42 },
  },
  {
    name: 'a ticket id beats the partial matches of longer ids',
    query: 'ABC-12',
    expected: { found: 'chore/ABC-12-readme', pr: 46 },
  },
  {
    name: 'a ticket id is not a prefix of a longer one',
    query: 'ABC-1234',
    expected: { found: 'fix/ABC-1234-slow-login', pr: 45 },
  },
  {
    name: 'a ticket id from another project',
    query: 'demo-2',
    expected: { found: 'fix/DEMO-2-missing-dump', pr: 69 },
  },
  // partial and fuzzy fragments
  {
    name: 'a unique fragment',
    query: 'checkout',
    expected: { found: 'feature/ABC-125-checkout-redesign', pr: 47 },
  },
  {
    name: 'a fragment spanning a slash',
    query: 'alpha/feature',
    expected: { found: 'team/alpha/feature/search', pr: 52 },
  },
  {
    name: 'a fragment with regex and replacement specials',
    query: { fragment: '$&' },
    expected: { found: 'feature/price-$&-escape', pr: 70 },
  },
  {
    name: 'a fragment without separators matches fuzzily',
    query: 'loginpage',
    expected: { found: 'feature/ABC-123-login-page', pr: 42 },
  },
  {
    name: 'a fragment with a space for a dash matches fuzzily',
    query: { fragment: 'payment timeout' },
    expected: { found: 'hotfix/payment-timeout', pr: 71 },
  },
  {
    name: 'an ambiguous fragment lists whole-word matches first, ready before draft',
    query: 'cart',
    expected: { ambiguous: ['fix/cart-total', 'feature/ABC-126-cart-badge', 'feature/cartography'] },
  },
  // unicode
  { name: 'unicode folds case', query: { fragment: 'CAFÉ' }, expected: { found: 'fix/café-menu', pr: 55 } },
  {
    name: 'a decomposed accent (NFD) matches the composed branch',
    query: { fragment: 'cafe\u0301' },
    expected: { found: 'fix/café-menu', pr: 55 },
  },
  {
    name: 'non-Latin letters',
    query: { fragment: '日本語' },
    expected: { found: 'feature/日本語-support', pr: 57 },
  },
  {
    name: 'Finnish letters fold case',
    query: { fragment: 'ÅÄÖ' },
    expected: { found: 'feature/ääkköset-ÅÄÖ', pr: 56 },
  },
  // not found
  {
    name: 'an unknown fragment reports what was searched',
    query: 'nonexistent',
    expected: { notFound: '"nonexistent" in the head branches of the 29 open pull requests in acme/shop' },
    calls: 1,
  },
  {
    name: 'a closed pull request is not found by fragment',
    query: 'ABC-100',
    expected: { notFound: '"ABC-100" in the head branches of the 29 open pull requests in acme/shop' },
  },
  {
    name: 'a fork’s branch is not found by fragment',
    query: 'login-fix',
    expected: { notFound: '"login-fix" in the head branches of the 29 open pull requests in acme/shop' },
  },
  // pages
  {
    name: 'a partial match reads on, in case a later page makes it ambiguous',
    query: 'payment',
    pageSize: 10,
    expected: { found: 'hotfix/payment-timeout', pr: 71 },
    calls: 2,
  },
  {
    name: 'an exact name on the first page needs one call',
    query: 'hotfix/payment-timeout',
    pageSize: 10,
    expected: { found: 'hotfix/payment-timeout', pr: 71 },
    calls: 1,
  },
  {
    name: 'a match on the second page needs two calls',
    query: 'ABC-128',
    pageSize: 10,
    expected: { found: 'feature/ABC-128-order-history', pr: 58 },
    calls: 2,
  },
  {
    name: 'the search stops at the call budget and says so',
    query: 'ABC-136',
    pageSize: 10,
    expected: {
      notFound:
        '"ABC-136" in the head branches of the 19 most recently updated open pull requests in acme/shop (there are more)',
    },
    calls: 2,
  },
];

describe('resolveBranch with a fragment or ticket id', () => {
  it.each(TABLE)('$name ($query)', checkRow);

  it('caps an ambiguous answer at 10 candidates, drafts after ready pull requests', async () => {
    // Act
    const resolution = await resolveBranch(typedQuery('feature'), fakeGithub(), NO_RULES);

    // Assess
    expect(resolution.kind).toBe('ambiguous');
    const candidates = resolution.kind === 'ambiguous' ? resolution.candidates : [];
    expect(candidates).toHaveLength(10);
    expect(candidates[0]).toEqual({
      branch: 'feature/ABC-123-login-page',
      prNumber: 42,
      title: 'ABC-123: New login page',
      author: 'alice',
      updatedAt: '2026-11-25T14:00:00Z',
    });
    expect(candidates.map((c) => c.prNumber)).not.toContain(48);
  });
});
