import { parseDeployCommand } from '../../src/domain/grammar';

const config = { defaultTtlSeconds: 4 * 3600, maxTtlSeconds: 2 * 86_400 };
const ID = '01KB0W8J6QF3ZC9D2M4N5P7R8S';
const byId = { kind: 'deploy', deployId: ID };

describe('the grammar of `/deploy logs <id|branch> [app|boot] [--lines N]`', () => {
  it.each<[string, unknown]>([
    [`logs ${ID}`, { kind: 'logs', target: byId, logKind: 'app', lines: 100 }],
    [`logs ${ID.toLowerCase()} boot`, { kind: 'logs', target: byId, logKind: 'boot', lines: 100 }],
    [`LOGS ${ID} APP --lines 250`, { kind: 'logs', target: byId, logKind: 'app', lines: 250 }],
    [`logs ${ID} --lines 1 boot`, { kind: 'logs', target: byId, logKind: 'boot', lines: 1 }],
    [`logs ${ID} --lines 500`, { kind: 'logs', target: byId, logKind: 'app', lines: 500 }],
    [
      'logs feature/ABC-123-login-page',
      {
        kind: 'logs',
        target: { kind: 'branch', branch: 'feature/ABC-123-login-page' },
        logKind: 'app',
        lines: 100,
      },
    ],
  ])('reads %j', (text, expected) => {
    // Act
    const command = parseDeployCommand(text, config);

    // Assess
    expect(command).toEqual(expected);
  });

  it.each<[string, string]>([
    ['logs', '`logs` takes a deploy id or branch name'],
    [`logs ${ID} --lines`, '`--lines` needs a number after it'],
    [`logs ${ID} --lines 0`, '`0` is not a number of lines; use a whole number from 1 to 500'],
    [`logs ${ID} --lines 501`, '`501` is not a number of lines'],
    [`logs ${ID} --lines -5`, '`-5` is not a number of lines'],
    [`logs ${ID} --lines 2.5`, '`2.5` is not a number of lines'],
    [`logs ${ID} --lines 1e2`, '`1e2` is not a number of lines'],
    [`logs ${ID} --lines 0100`, '`0100` is not a number of lines'],
    [`logs ${ID} --lines $(reboot)`, 'is not a number of lines'],
    [`logs ${ID} nginx`, "I don't know `nginx` here: logs are `app` or `boot`"],
    [`logs ${ID} app boot`, "I don't know `boot` here"],
    [`logs ${ID} --tail 5`, "I don't know `--tail` here"],
    ['logs ../etc/passwd', 'is neither a deploy id nor a branch name'],
  ])('answers %j with a friendly reason', (text, reason) => {
    // Act
    const command = parseDeployCommand(text, config);

    // Assess
    expect(command).toEqual({ kind: 'invalid', reason: expect.stringContaining(reason) });
  });
});
