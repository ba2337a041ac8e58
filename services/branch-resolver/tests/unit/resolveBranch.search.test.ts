import { isPlausibleBranchName, rawSearchQuery } from '../../src/domain/resolveBranch';

// parseQuery's cases moved to shared/tests/unit/deployQuery.test.ts with the parser (ADR 0007).
describe('rawSearchQuery', () => {
  it('scopes the user qualifiers to open pull requests of the configured repository', () => {
    // Act
    const { q, dropped } = rawSearchQuery('author:bob label:"ready to test"', 'acme/shop', false);

    // Assess
    expect(q).toBe('repo:acme/shop is:pr is:open author:bob label:"ready to test"');
    expect(dropped).toEqual([]);
  });

  it('drops qualifiers that would search elsewhere or for issues', () => {
    // Act
    const { q, dropped } = rawSearchQuery(
      'repo:evil/x org:evil user:me is:issue -repo:acme/shop fix',
      'acme/shop',
      false,
    );

    // Assess
    expect(q).toBe('repo:acme/shop is:pr is:open fix');
    expect(dropped).toEqual(['repo:evil/x', 'org:evil', 'user:me', 'is:issue', '-repo:acme/shop']);
  });

  it('lets the user pick a state only when closed pull requests are allowed', () => {
    // Act
    const allowed = rawSearchQuery('is:merged', 'acme/shop', true).q;
    const refused = rawSearchQuery('is:merged', 'acme/shop', false).q;
    const noState = rawSearchQuery('author:bob', 'acme/shop', true).q;

    // Assess
    expect(allowed).toBe('repo:acme/shop is:pr is:merged');
    expect(refused).toBe('repo:acme/shop is:pr is:open is:merged');
    expect(noState).toBe('repo:acme/shop is:pr is:open author:bob');
  });
});

describe('isPlausibleBranchName', () => {
  it.each(['main', 'feature/ABC-1-x', 'spike/ünïcode', 'release/2.0', 'a$&b'])('accepts %s', (name) => {
    expect(isPlausibleBranchName(name)).toBe(true);
  });

  it.each([
    'two words',
    'a..b',
    'ends/',
    '/starts',
    '-dash',
    'x.lock',
    'a//b',
    'a:b',
    'a~1',
    'a^',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    'a@{b',
    '@',
    'tab\there',
    'nul\u0000',
    'dot/.hidden',
    '',
  ])('refuses %j', (name) => {
    expect(isPlausibleBranchName(name)).toBe(false);
  });
});
