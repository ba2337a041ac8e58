import { resolveBranch } from '../../src/domain/resolveBranch';
import { typedQuery } from '../helpers/factories';
import { fakeGithub } from '../helpers/fakeGithubPort';
import { checkRow, NO_RULES, type Row } from '../helpers/resolutionTable';

/** `#N`, `raw:` and branches without a pull request against the fixture repository. */
const TABLE: Row[] = [
  // #PR
  {
    name: '#N resolves an open pull request',
    query: '#42',
    expected: { found: 'feature/ABC-123-login-page', pr: 42 },
  },
  {
    name: '#N tolerates a space',
    query: '# 47',
    expected: { found: 'feature/ABC-125-checkout-redesign', pr: 47 },
  },
  {
    name: '#N of a closed pull request is refused',
    query: '#30',
    expected: {
      notFound: 'pull request #30 in acme/shop (#30: it is closed; only open pull requests deploy)',
    },
  },
  {
    name: '#N of a closed pull request resolves when allowed',
    query: '#30',
    rules: { allowClosedPulls: true },
    expected: { found: 'feature/ABC-100-old-login', pr: 30 },
  },
  {
    name: '#N from a fork is refused',
    query: '#67',
    expected: {
      notFound:
        'pull request #67 in acme/shop (#67: it comes from a fork, whose branches have no builds here)',
    },
  },
  { name: '#N that does not exist', query: '#999', expected: { notFound: 'pull request #999 in acme/shop' } },
  // raw:
  {
    name: 'raw: with one hit costs the search and that pull request',
    query: 'raw:author:judy',
    expected: { found: 'feature/ABC-127-search-filters', pr: 51 },
    calls: 2,
  },
  {
    name: 'raw: with several hits lists them, best match first',
    query: 'raw:author:alice',
    expected: { ambiguous: ['feature/ABC-123-login-page', 'feature/ABC-129-wishlist'] },
    calls: 2,
  },
  {
    name: 'raw: cannot leave the configured repository',
    query: 'raw:repo:evil/other author:judy',
    expected: { found: 'feature/ABC-127-search-filters', pr: 51 },
  },
  {
    name: 'raw: with no hit reports the search it ran',
    query: 'raw:author:nobody',
    expected: { notFound: 'GitHub search "repo:acme/shop is:pr is:open author:nobody"' },
    calls: 1,
  },
  {
    name: 'raw: keeps to open pull requests by default',
    query: 'raw:is:closed author:carol',
    expected: { notFound: 'GitHub search "repo:acme/shop is:pr is:open is:closed author:carol"' },
  },
  {
    name: 'raw: finds closed pull requests when allowed',
    query: 'raw:is:closed author:carol',
    rules: { allowClosedPulls: true },
    expected: { found: 'fix/ABC-101-typo', pr: 31 },
  },
  // branches without a pull request
  {
    name: 'a branch without a pull request is found by its exact name when allowed',
    query: 'experiment/no-pr-spike',
    rules: { allowBranchWithoutPull: true },
    expected: { found: 'experiment/no-pr-spike', pr: null },
    calls: 2,
  },
  {
    name: 'a unicode branch without a pull request',
    query: { fragment: 'spike/ünïcode-branch' },
    rules: { allowBranchWithoutPull: true },
    expected: { found: 'spike/ünïcode-branch', pr: null },
  },
  {
    name: 'a branch without a pull request is not found when not allowed',
    query: 'experiment/no-pr-spike',
    expected: {
      notFound: '"experiment/no-pr-spike" in the head branches of the 29 open pull requests in acme/shop',
    },
    calls: 1,
  },
  {
    name: 'a missing branch says both searches were made',
    query: 'nope/nothing',
    rules: { allowBranchWithoutPull: true },
    expected: {
      notFound:
        '"nope/nothing" in the head branches of the 29 open pull requests in acme/shop, then a branch named "nope/nothing"',
    },
  },
  {
    name: 'a fragment that cannot be a branch name costs no branch lookup',
    query: { fragment: 'no such thing' },
    rules: { allowBranchWithoutPull: true },
    expected: { notFound: '"no such thing" in the head branches of the 29 open pull requests in acme/shop' },
    calls: 1,
  },
];

describe('resolveBranch with #N, raw: or a branch name', () => {
  it.each(TABLE)('$name ($query)', checkRow);

  it('gives the head SHA and pull request details of a match', async () => {
    // Act
    const resolution = await resolveBranch(typedQuery('#42'), fakeGithub(), NO_RULES);

    // Assess
    expect(resolution).toEqual({
      kind: 'found',
      match: {
        branch: 'feature/ABC-123-login-page',
        headSha: expect.stringMatching(/^[0-9a-f]{40}$/),
        pull: {
          number: 42,
          title: 'ABC-123: New login page',
          url: 'https://github.com/acme/shop/pull/42',
          author: 'alice',
        },
      },
    });
  });
});
