import { parseDeployCommand, parseTerminateCommand } from '../../src/domain/grammar';

const config = { defaultTtlSeconds: 4 * 3600, maxTtlSeconds: 2 * 86_400 };
const H = 3600;
const ID = '01KB0W8J6QF3ZC9D2M4N5P7R8S';

/** A deploy command for `query`; a plain word is a fragment unless `extra` says how it parses. */
const deploy = (query: string, ttlSeconds = 4 * H, extra: Record<string, unknown> = {}) => ({
  kind: 'deploy',
  query,
  parsedQuery: { fragment: query },
  ttlSeconds,
  requestedSeconds: ttlSeconds,
  capped: false,
  fresh: false,
  noFollow: false,
  ...extra,
});

describe('parseDeployCommand', () => {
  it.each<[string, unknown]>([
    // help and empty input
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['help me please', { kind: 'help' }],
    // the query forms of docs/architecture.md §1
    ['login', deploy('login')],
    ['  login  ', deploy('login')],
    ['login-page', deploy('login-page')],
    ['ABC-123', deploy('ABC-123', 4 * H, { parsedQuery: { ticket: 'ABC-123' } })],
    ['feature/ABC-123_login.v2', deploy('feature/ABC-123_login.v2')],
    ['#42', deploy('#42', 4 * H, { parsedQuery: { pull: 42 } })],
    ['# 47 for 2h', deploy('# 47', 2 * H, { parsedQuery: { pull: 47 } })],
    ['demo-2', deploy('demo-2', 4 * H, { parsedQuery: { ticket: 'demo-2' } })],
    [
      'raw:label:needs-env',
      deploy('raw:label:needs-env', 4 * H, { parsedQuery: { raw: 'label:needs-env' } }),
    ],
    [
      'raw:label:"needs env" author:maija',
      deploy('raw:label:"needs env" author:maija', 4 * H, {
        parsedQuery: { raw: 'label:"needs env" author:maija' },
      }),
    ],
    [
      'raw:updated:2026-01-01..* head:feature/x',
      deploy('raw:updated:2026-01-01..* head:feature/x', 4 * H, {
        parsedQuery: { raw: 'updated:2026-01-01..* head:feature/x' },
      }),
    ],
    // durations
    ['login for 30m', deploy('login', 30 * 60)],
    ['login for 2h', deploy('login', 2 * H)],
    ['login for 1d', deploy('login', 86_400)],
    ['login FOR 2H', deploy('login', 2 * H)],
    ['login for 2d', deploy('login', 2 * 86_400)],
    ['login for 5d', deploy('login', 2 * 86_400, { requestedSeconds: 5 * 86_400, capped: true })],
    ['login for 49h', deploy('login', 2 * 86_400, { requestedSeconds: 49 * H, capped: true })],
    ['raw:label:x for 1h', deploy('raw:label:x', H, { parsedQuery: { raw: 'label:x' } })],
    // --fresh
    ['login --fresh', deploy('login', 4 * H, { fresh: true })],
    ['--fresh login for 2h', deploy('login', 2 * H, { fresh: true })],
    ['login --FRESH', deploy('login', 4 * H, { fresh: true })],
    // --spot / --on-demand (ADR 0027)
    ['login --spot', deploy('login', 4 * H, { capacity: 'spot' })],
    ['login for 2h --on-demand', deploy('login', 2 * H, { capacity: 'on-demand' })],
    ['--On-Demand login --fresh', deploy('login', 4 * H, { fresh: true, capacity: 'on-demand' })],
    ['login --spot --spot', deploy('login', 4 * H, { capacity: 'spot' })],
    ['login --no-follow', deploy('login', 4 * H, { noFollow: true })],
    ['--no-follow login --fresh for 2h', deploy('login', 2 * H, { fresh: true, noFollow: true })],
    // list, status, extend
    ['list', { kind: 'list', scope: 'all' }],
    ['LIST', { kind: 'list', scope: 'all' }],
    ['list mine', { kind: 'list', scope: 'mine' }],
    [`status ${ID}`, { kind: 'status', target: { kind: 'deploy', deployId: ID } }],
    [`status ${ID.toLowerCase()}`, { kind: 'status', target: { kind: 'deploy', deployId: ID } }],
    ['status feature/login', { kind: 'status', target: { kind: 'branch', branch: 'feature/login' } }],
    [
      `extend ${ID} 2h`,
      {
        kind: 'extend',
        target: { kind: 'deploy', deployId: ID },
        extension: { kind: 'duration', seconds: 2 * H, requestedSeconds: 2 * H, capped: false },
      },
    ],
    [
      'extend login for 30m',
      {
        kind: 'extend',
        target: { kind: 'branch', branch: 'login' },
        extension: { kind: 'duration', seconds: 1800, requestedSeconds: 1800, capped: false },
      },
    ],
    [
      'extend login by 3d',
      {
        kind: 'extend',
        target: { kind: 'branch', branch: 'login' },
        extension: { kind: 'duration', seconds: 2 * 86_400, requestedSeconds: 3 * 86_400, capped: true },
      },
    ],
    [
      `extend ${ID} overnight`,
      { kind: 'extend', target: { kind: 'deploy', deployId: ID }, extension: { kind: 'overnight' } },
    ],
    // update (ADR 0029)
    [`update ${ID}`, { kind: 'update', target: { kind: 'deploy', deployId: ID }, reseed: false }],
    [
      `UPDATE ${ID.toLowerCase()} --reseed`,
      { kind: 'update', target: { kind: 'deploy', deployId: ID }, reseed: true },
    ],
    [
      '--RESEED update feature/login',
      { kind: 'invalid', reason: expect.stringMatching(/don't know the option `--RESEED`/) },
    ],
    [
      'update feature/login --Reseed',
      { kind: 'update', target: { kind: 'branch', branch: 'feature/login' }, reseed: true },
    ],
  ])('reads %j', (text, expected) => {
    // Act
    const command = parseDeployCommand(text, config);

    // Assess
    expect(command).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['for 2h', /what to deploy/],
    ['--fresh', /what to deploy/],
    ['login for', /one word/],
    ['login for 2x', /couldn't read the duration/],
    ['login for 1h30m', /couldn't read the duration/],
    ['login for 0h', /couldn't read the duration/],
    ['login for -1h', /couldn't read the duration/],
    [
      'login --force',
      /don't know the option `--force`; the options are `--fresh`, `--no-follow`, `--spot` and `--on-demand`/,
    ],
    ['login --spot --on-demand', /Choose one of `--spot` and `--on-demand`/],
    ['--spot', /what to deploy/],
    ['login page', /one word/],
    ['#abc', /pull request number/],
    ['#0', /pull request number/],
    ['raw:', /needs GitHub search qualifiers/],
    ['raw:label:x;rm -rf /', /";" \(U\+003B\) cannot be used in a `raw:` search/],
    ['raw:created:>2026-01-01', /"&gt;" \(U\+003E\)/],
    ['login;rm -rf /', /one word/],
    ['login;reboot', /";" \(U\+003B\) cannot be part of a branch name/],
    ['$(reboot)', /"\$" \(U\+0024\)/],
    ['`id`', /\(U\+0060\)/],
    ['a|b', /"\|" \(U\+007C\)/],
    ['a&&b', /"&amp;" \(U\+0026\)/],
    ['{a:1}', /"\{" \(U\+007B\)/],
    ['!!python/object', /"!" \(U\+0021\)/],
    ['-rf', /"-" \(U\+002D\)/],
    ['../../etc/passwd', /"\." \(U\+002E\)/],
    ['a/../../etc', /`\.\.` cannot be part of a branch name/],
    ['<script>', /"&lt;" \(U\+003C\)/],
    ['<@U123>', /"&lt;" \(U\+003C\)/],
    ['login\nrm -rf /', /a line break/],
    ['login\r', /one word|a line break/],
    ['log\u2028in', /a line break/],
    ['\u202Elogin', /text-direction control/],
    ['login\u2066', /text-direction control/],
    ['log\u200Bin', /zero-width/],
    ['\uFEFFlogin', /zero-width/],
    ['log\tin', /control character/],
    ['log\u0000in', /control character/],
    ['تسجيل', /\(U\+062A\) cannot be part of a branch name/],
    ['logіn', /\(U\+0456\)/],
    ['a'.repeat(257), /257 characters long; the limit is 256/],
    ['a'.repeat(5000), /5000 characters long; a query can be at most 256/],
    ['list everything', /`list` takes nothing, or `mine`/],
    ['status', /`status` takes one deploy id or branch name/],
    ['status a b', /`status` takes one/],
    ['status <x>', /neither a deploy id nor a branch name/],
    ['extend', /`extend` takes a deploy id/],
    ['extend login', /Say how long/],
    ['extend login forever', /couldn't read the duration `forever`/],
    ['extend login for 2h please', /Say how long/],
    ['update', /`update` takes one deploy id or branch name, and optionally `--reseed`/],
    ['update --reseed', /`update` takes one deploy id or branch name/],
    ['update a b', /`update` takes one deploy id or branch name/],
    ['update login --fresh', /don't know the option `--fresh` for `update`; its one option is `--reseed`/],
    ['update login --reseed=yes', /don't know the option `--reseed=yes`/],
    ['update login;reboot', /neither a deploy id nor a branch name/],
    ['update -rf', /neither a deploy id nor a branch name/],
    ['update a/../../etc', /neither a deploy id nor a branch name/],
    ['update login\nrm -rf /', /a line break/],
  ])('explains what is wrong with %j', (text, reason) => {
    // Act
    const command = parseDeployCommand(text, config);

    // Assess
    expect(command).toEqual({ kind: 'invalid', reason: expect.stringMatching(reason) });
  });

  it('never echoes a backtick that would break the inline code around it', () => {
    // Act
    const command = parseDeployCommand('status a`b', config);

    // Assess
    expect(command).toEqual({ kind: 'invalid', reason: "`a'b` is neither a deploy id nor a branch name." });
  });
});

describe('parseTerminateCommand', () => {
  it.each<[string, unknown]>([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['mine', { kind: 'terminate', target: { kind: 'mine' } }],
    ['MINE', { kind: 'terminate', target: { kind: 'mine' } }],
    ['all', { kind: 'terminate', target: { kind: 'all' } }],
    [ID, { kind: 'terminate', target: { kind: 'deploy', deployId: ID } }],
    [` ${ID.toLowerCase()} `, { kind: 'terminate', target: { kind: 'deploy', deployId: ID } }],
    ['feature/login', { kind: 'terminate', target: { kind: 'branch', branch: 'feature/login' } }],
  ])('reads %j', (text, expected) => {
    // Act + Assess
    expect(parseTerminateCommand(text)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['mine all', /takes one thing/],
    ['login; rm -rf /', /takes one thing/],
    ['$(reboot)', /neither a deploy id nor a branch name/],
    ['all\n', /one thing|line break/],
    ['al\u200Bl', /zero-width/],
    ['\u202Eall', /text-direction/],
    ['x'.repeat(5000), /5000 characters long/],
  ])('explains what is wrong with %j', (text, reason) => {
    // Act + Assess
    expect(parseTerminateCommand(text)).toEqual({ kind: 'invalid', reason: expect.stringMatching(reason) });
  });
});
