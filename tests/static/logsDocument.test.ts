import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTemplate, resourcesOfType } from '../helpers/templates';

/**
 * The provisioner's logs document (ADR 0030) run for real: its script from the packaged template,
 * under bash with jq, against a scratch journal and boot log. It must pass its two parameters as
 * data, replace the app's secret values (as fetch-secrets.sh wrote them) before anything leaves the
 * instance, keep the end of a long output, and its allowedPatterns must admit exactly 1..500.
 */

interface LogsDocumentContent {
  parameters: Record<string, { allowedPattern: string; interpolationType?: string }>;
  mainSteps: { inputs: { runCommand: string[] } }[];
}

const content = (): LogsDocumentContent => {
  const [doc] = resourcesOfType(readTemplate('provisioner'), 'AWS::SSM::Document').filter(
    ({ logicalId }) => logicalId === 'LogsDocument',
  );
  if (!doc) throw new Error('no LogsDocument in the packaged provisioner template');
  return doc.resource.Properties?.Content as LogsDocumentContent;
};

const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'logs-document-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const script = path.join(dir, 'logs.sh');
  writeFileSync(script, `${content().mainSteps[0]?.inputs.runCommand.join('\n')}\n`);
  const journal = path.join(dir, 'journal.txt');
  // journalctl as the instance has it: prints the stand-in journal's last --lines lines.
  writeFileSync(
    path.join(bin, 'journalctl'),
    `#!/bin/bash\nfor a in "$@"; do case $a in --lines=*) n=\${a#--lines=};; esac; done\ntail -n "$n" ${JSON.stringify(journal)}\n`,
  );
  chmodSync(path.join(bin, 'journalctl'), 0o755);
  const run = (kind: string, lines: string) =>
    spawnSync('bash', [script], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        SSM_Kind: kind,
        SSM_Lines: lines,
        BRANCH_ENVS_REDACT_VALUES: path.join(dir, 'redact-values.json'),
        BRANCH_ENVS_BOOT_LOG: path.join(dir, 'cloud-init-output.log'),
        BRANCH_ENVS_STATUS_JSON: path.join(dir, 'status.json'),
      },
    });
  return { dir, journal, run, script, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

describe('the logs document', () => {
  let box: ReturnType<typeof scratch>;
  beforeEach(() => {
    box = scratch();
  });
  afterEach(() => box.cleanup());

  it("prints the journal's last N lines with the app's secret values replaced, read as text, not patterns", () => {
    // Prepare
    const secrets = ['p4ss.w*rd$(x)', 'sk-live-0123456789', 'line one\nline two'];
    writeFileSync(path.join(box.dir, 'redact-values.json'), JSON.stringify(secrets));
    writeFileSync(
      box.journal,
      [
        'old line',
        'config DB_PASSWORD=p4ss.w*rd$(x)',
        'p4ssXw*rd stays',
        'key sk-live-0123456789 used',
        'GET /health 200',
      ].join('\n'),
    );

    // Act
    const result = box.run('app', '4');

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'config DB_PASSWORD=[REDACTED]\np4ssXw*rd stays\nkey [REDACTED] used\nGET /health 200\n',
    );
  });

  it('prints the boot log and the boot status for `boot`', () => {
    // Prepare
    writeFileSync(
      path.join(box.dir, 'cloud-init-output.log'),
      'a\nbranch-envs: step start-app\nbranch-envs: failed (step start-app)\n',
    );
    writeFileSync(path.join(box.dir, 'status.json'), '{"status":"failed","step":"start-app"}\n');

    // Act
    const result = box.run('boot', '2');

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'branch-envs: step start-app\nbranch-envs: failed (step start-app)\n--- boot status (/var/lib/branch-envs/status.json)\n{"status":"failed","step":"start-app"}\n',
    );
  });

  it('keeps the end of an output longer than Run Command returns, and says it cut', () => {
    // Prepare
    writeFileSync(
      box.journal,
      Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(80)}`).join('\n'),
    );

    // Act
    const result = box.run('app', '500');

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeLessThanOrEqual(24_000);
    expect(
      result.stdout.startsWith('[earlier lines cut - Run Command returns at most 24,000 characters]\n'),
    ).toBe(true);
    expect(result.stdout.trimEnd().endsWith(`line 499 ${'x'.repeat(80)}`)).toBe(true);
  });

  it('passes shellcheck', () => {
    // Act: SC2154 excluded because SSM itself sets SSM_Kind and SSM_Lines (interpolationType ENV_VAR).
    const args = ['--shell=bash', '--format=gcc', '--exclude=SC2154', box.script];
    const result = spawnSync('shellcheck', args, { encoding: 'utf8' });

    // Assess
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('');
  });

  it.each([
    ['Kind', ['app', 'boot'], ['', 'App', 'app;reboot', 'boot\n', 'all']],
    [
      'Lines',
      ['1', '9', '10', '99', '100', '499', '500'],
      ['0', '501', '999', '01', '-1', '1e2', '100 ', '$(id)'],
    ],
  ])('admits exactly the valid %s values, as environment variables', (name, good, bad) => {
    // Prepare
    const parameter = content().parameters[name];
    const pattern = new RegExp(parameter?.allowedPattern ?? '$^');

    // Assess
    expect(parameter?.interpolationType).toBe('ENV_VAR');
    expect(good.filter((v) => !pattern.test(v))).toEqual([]);
    expect(bad.filter((v) => pattern.test(v))).toEqual([]);
  });
});
