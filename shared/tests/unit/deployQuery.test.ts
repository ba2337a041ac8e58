import { DeployQuery, parseDeployQuery, type QueryProblem } from '../../src/deployQuery';

describe('parseDeployQuery', () => {
  it.each<[string, DeployQuery]>([
    ['#42', { pull: 42 }],
    ['  #7 ', { pull: 7 }],
    ['# 47', { pull: 47 }],
    ['#007', { pull: 7 }],
    ['#999999999', { pull: 999_999_999 }],
    ['raw:author:bob label:ready', { raw: 'author:bob label:ready' }],
    ['RAW: head:feature/x', { raw: 'head:feature/x' }],
    ['raw:label:"needs env" author:maija', { raw: 'label:"needs env" author:maija' }],
    ['raw:updated:2026-01-01..* head:feature/x', { raw: 'updated:2026-01-01..* head:feature/x' }],
    ['ABC-123', { ticket: 'ABC-123' }],
    ['abc-123', { ticket: 'abc-123' }],
    ['demo-2', { ticket: 'demo-2' }],
    ['login-page', { fragment: 'login-page' }],
    ['login', { fragment: 'login' }],
    ['feature/ABC-1', { fragment: 'feature/ABC-1' }],
    ['feature/ABC-123_login.v2', { fragment: 'feature/ABC-123_login.v2' }],
    ['release/2.0', { fragment: 'release/2.0' }],
  ])('reads %j', (typed, expected) => {
    // Act
    const parsed = parseDeployQuery(typed);

    // Assess
    expect(parsed).toEqual({ ok: true, query: expected });
  });

  it.each<[string, QueryProblem]>([
    ['', { code: 'empty' }],
    ['   ', { code: 'empty' }],
    ['a'.repeat(257), { code: 'too_long', length: 257 }],
    ['raw:', { code: 'raw_without_qualifiers' }],
    ['raw:   ', { code: 'raw_without_qualifiers' }],
    ['raw:label:x;rm -rf /', { code: 'raw_character', character: ';' }],
    ['raw:created:>2026-01-01', { code: 'raw_character', character: '>' }],
    // The resolver used to read these as fragments; nothing can match them, so they are refused.
    ['#0', { code: 'pull_number' }],
    ['#abc', { code: 'pull_number' }],
    ['#1234567890', { code: 'pull_number' }],
    ['#42 login', { code: 'pull_number' }],
    ['login page', { code: 'several_words' }],
    ['a/../../etc', { code: 'double_dot' }],
    ['a...b', { code: 'double_dot' }],
    ['login;reboot', { code: 'fragment_character', character: ';' }],
    ['-rf', { code: 'fragment_character', character: '-' }],
    ['../../etc/passwd', { code: 'fragment_character', character: '.' }],
    ['logіn', { code: 'fragment_character', character: 'і' }],
    // Typed queries are ASCII, composed or not: the resolver used to normalize this to `café`.
    ['cafe\u0301', { code: 'fragment_character', character: '\u0301' }],
    ['CAFÉ', { code: 'fragment_character', character: 'É' }],
  ])('refuses %j', (typed, problem) => {
    // Act
    const parsed = parseDeployQuery(typed);

    // Assess
    expect(parsed).toEqual({ ok: false, problem });
  });

  it.each([
    '#1',
    'raw:is:open',
    'ZZZZZZZZZZ-999999999',
    'x',
    `a${'/b'.repeat(127)}`,
    `raw:${'a'.repeat(252)}`,
  ])('reads %j into a value the DeployQuery schema accepts', (typed) => {
    // Act
    const parsed = parseDeployQuery(typed);

    // Assess
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && DeployQuery.safeParse(parsed.query).success).toBe(true);
  });
});

describe('DeployQuery', () => {
  it.each<[string, unknown]>([
    ['two forms at once', { pull: 42, ticket: 'ABC-123' }],
    ['no form', {}],
    ['a pull request number of zero', { pull: 0 }],
    ['a fractional pull request number', { pull: 4.2 }],
    ['empty qualifiers', { raw: '' }],
    ['qualifiers with a leading space', { raw: ' label:x' }],
    ['qualifiers with a shell character', { raw: 'label:x;reboot' }],
    ['a ticket that is not a ticket id', { ticket: 'login' }],
    ['a fragment with a space', { fragment: 'login page' }],
    ['a fragment with `..`', { fragment: 'a/../b' }],
    ['a fragment starting with a dash', { fragment: '-rf' }],
    ['a fragment with a look-alike letter', { fragment: 'logіn' }],
    ['a fragment longer than a query', { fragment: 'a'.repeat(257) }],
  ])('refuses %s', (_name, value) => {
    // Act
    const result = DeployQuery.safeParse(value);

    // Assess
    expect(result.success).toBe(false);
  });
});
