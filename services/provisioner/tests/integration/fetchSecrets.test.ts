import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { motoConfig, motoEndpoint, uniqueName } from '../../../../tests/helpers/aws';
import { appSecretsLocation } from '../../src/domain/userData/appSecrets';
import { hostileBranchNames } from '../unit/userData/userDataFixtures';

/**
 * fetch-secrets.sh run for real (bash, jq, install) against moto's SSM. `aws` on PATH is a stand-in
 * that makes the CLI's own API calls with the SDK (tests/helpers/awsCliStandIn.cjs), so the
 * non-recursive, decrypted reads and their pagination are moto's, not a fixture's.
 */
const SCRIPT = path.resolve(
  __dirname,
  '../../../../cloud-init/profiles/jvm-postgres/scripts/fetch-secrets.sh',
);
const STAND_IN = path.resolve(__dirname, '../helpers/awsCliStandIn.cjs');
const REGION = 'eu-north-1';
const ssm = new SSMClient(motoConfig());

const put = (name: string, value: string) =>
  ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));

interface Box {
  dir: string;
  dest: string;
  run(env?: Record<string, string>): Promise<{ status: number | null; output: string }>;
  calls(): string[][];
  cleanup(): void;
}

/** A scratch instance: deploy.json, the profile's secrets-format.json, `aws` and `cloud-init` on PATH. */
const scratch = (deploy: Record<string, unknown>, format: 'env' | 'json'): Box => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fetch-secrets-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'aws'), `#!/bin/sh\nexec node ${JSON.stringify(STAND_IN)} "$@"\n`);
  writeFileSync(path.join(bin, 'cloud-init'), `#!/bin/sh\necho ${REGION}\n`);
  chmodSync(path.join(bin, 'aws'), 0o755);
  chmodSync(path.join(bin, 'cloud-init'), 0o755);
  const dest = path.join(dir, 'app', `app-secrets.${format}`);
  writeFileSync(path.join(dir, 'deploy.json'), JSON.stringify(deploy), { mode: 0o600 });
  writeFileSync(
    path.join(dir, 'format.json'),
    JSON.stringify({ format, path: dest, owner: userInfo().username }),
  );
  const run = (env: Record<string, string> = {}) => {
    const child = spawn('bash', [SCRIPT], {
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        BRANCH_ENVS_DEPLOY_JSON: path.join(dir, 'deploy.json'),
        BRANCH_ENVS_SECRETS_FORMAT_JSON: path.join(dir, 'format.json'),
        BRANCH_ENVS_REDACT_VALUES: path.join(dir, 'redact-values.json'),
        SSM_CLIENT_MODULE: require.resolve('@aws-sdk/client-ssm'),
        AWS_ARGS_OUT: path.join(dir, 'aws-args'),
        AWS_ENDPOINT_URL: motoEndpoint(),
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        ...env,
      },
      timeout: 60_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    return new Promise<{ status: number | null; output: string }>((resolve) =>
      child.on('close', (status) => resolve({ status, output })),
    );
  };
  const calls = () =>
    readFileSync(path.join(dir, 'aws-args'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\0'));
  return { dir, dest, run, calls, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/** What the unit sees: the env file read with POSIX double-quote rules, which systemd documents for it. */
const readEnvFile = async (file: string, names: string[]): Promise<Record<string, string>> => {
  const script = `set -a; . ${JSON.stringify(file)}; for n in ${names.join(' ')}; do printf '%s\\0' "\${!n-<unset>}"; done`;
  const child = spawn('bash', ['-c', script], { env: {} });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await new Promise((resolve) => child.on('close', resolve));
  const values = out.split('\0');
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
};

const runFor = async (stage: string, branch: string) => {
  const box = scratch(deployFor(stage, 'shop', branch), 'env');
  try {
    const result = await box.run();
    return { ...result, read: result.status === 0 ? await readEnvFile(box.dest, ['TOKEN']) : {} };
  } finally {
    box.cleanup();
  }
};

const deployFor = (stage: string, app: string, branch: string, env: Record<string, string> = {}) => ({
  deployId: '01JD5Z4QWJ3K8T6M2N9P0R7S1W',
  stage,
  app,
  branch,
  env,
  secrets: appSecretsLocation(stage, app, branch),
});

/** Values chosen to break a careless env file: quotes, expansions, backslashes, newlines. */
const AWKWARD = {
  DB_PASSWORD: 'pa"ss\'wo$rd`id`\\n\\',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${PATH} the env file must not expand
  API_KEY: 'line one\nline two $HOME ${PATH} $(reboot)',
  PLAIN: 'sk-live-0123456789abcdef',
};

describe('fetch-secrets.sh against SSM (moto)', () => {
  it('writes the app secrets with branch overrides as an env file that reads back exactly, mode 0600', async () => {
    // Prepare
    const stage = uniqueName('st');
    const deploy = deployFor(stage, 'shop', 'feature/login-page', { JAVA_OPTS: '-Xmx1g' });
    const { path: appPath, branchPath } = deploy.secrets;
    await Promise.all([
      ...Object.entries(AWKWARD).map(([name, value]) => put(`${appPath}/${name}`, value)),
      put(`${branchPath}/PLAIN`, 'branch-value-wins'),
      put(`${appPath}/nested/DEEP`, 'not-a-direct-child'),
      ...Array.from({ length: 12 }, (_, i) => put(`${appPath}/MANY_${i}`, `many-${i}`)),
    ]);
    const box = scratch(deploy, 'env');

    // Act
    const result = await box.run();

    // Assess
    try {
      expect(result.status).toBe(0);
      const read = await readEnvFile(box.dest, ['DB_PASSWORD', 'API_KEY', 'PLAIN', 'MANY_11', 'DEEP']);
      expect(read).toEqual({ ...AWKWARD, PLAIN: 'branch-value-wins', MANY_11: 'many-11', DEEP: '<unset>' });
      expect(statSync(box.dest).mode & 0o777).toBe(0o600);
      expect(result.output).toContain(`app secrets: 15 written to ${box.dest} (env)`);
      // The values the logs document redacts (ADR 0030): every one of 6 characters or more, root's only.
      const redactFile = path.join(box.dir, 'redact-values.json');
      expect(statSync(redactFile).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(redactFile, 'utf8'))).toEqual(
        expect.arrayContaining([AWKWARD.DB_PASSWORD, AWKWARD.API_KEY, 'branch-value-wins', 'many-11']),
      );
      for (const value of [...Object.values(AWKWARD), 'branch-value-wins', 'many-1']) {
        expect(result.output).not.toContain(value);
      }
      expect(box.calls()).toEqual([
        [
          'ssm',
          'get-parameters-by-path',
          '--region',
          REGION,
          '--path',
          appPath,
          '--no-recursive',
          '--with-decryption',
          '--output',
          'json',
        ],
        [
          'ssm',
          'get-parameters-by-path',
          '--region',
          REGION,
          '--path',
          branchPath,
          '--no-recursive',
          '--with-decryption',
          '--output',
          'json',
        ],
      ]);
    } finally {
      box.cleanup();
    }
  });

  it('skips, by name only, secrets that cannot be or must not shadow an environment variable', async () => {
    // Prepare
    const stage = uniqueName('st');
    const deploy = deployFor(stage, 'shop', 'main', { JAVA_OPTS: '-Xmx1g' });
    const names = ['db.password', 'BRANCH_ENVS_DEPLOY_ID', 'PORT', 'JAVA_OPTS', 'GOOD'];
    await Promise.all(names.map((name) => put(`${deploy.secrets.path}/${name}`, `secret-of-${name}`)));
    const box = scratch(deploy, 'env');

    // Act
    const result = await box.run();

    // Assess
    try {
      expect(result.status).toBe(0);
      expect(result.output).toContain('secret "db.password" skipped: not an environment variable name');
      expect(result.output).toContain('secret "BRANCH_ENVS_DEPLOY_ID" skipped: reserved by branch-envs');
      expect(result.output).toContain('secret "PORT" skipped: reserved by branch-envs');
      expect(result.output).toContain('secret "JAVA_OPTS" skipped: already an app setting');
      expect(readFileSync(box.dest, 'utf8')).toBe('GOOD="secret-of-GOOD"\n');
      expect(result.output).not.toContain('secret-of-');
    } finally {
      box.cleanup();
    }
  });

  it('writes JSON for a profile that declares it, keeping names an env file could not hold', async () => {
    // Prepare
    const stage = uniqueName('st');
    const deploy = deployFor(stage, 'shop', 'main');
    await Promise.all([
      put(`${deploy.secrets.path}/db.password`, AWKWARD.DB_PASSWORD),
      put(`${deploy.secrets.path}/API_KEY`, AWKWARD.API_KEY),
    ]);
    const box = scratch(deploy, 'json');

    // Act
    const result = await box.run();

    // Assess
    try {
      expect(result.status).toBe(0);
      expect(JSON.parse(readFileSync(box.dest, 'utf8'))).toEqual({
        'db.password': AWKWARD.DB_PASSWORD,
        API_KEY: AWKWARD.API_KEY,
      });
      expect(statSync(box.dest).mode & 0o777).toBe(0o600);
    } finally {
      box.cleanup();
    }
  });

  it('fails the step, naming the operation and no value, when SSM cannot be read', async () => {
    // Prepare
    const deploy = deployFor(uniqueName('st'), 'shop', 'main');
    const box = scratch(deploy, 'env');

    // Act: nothing listens on port 9 (discard), so the read fails as an unreachable endpoint would.
    const result = await box.run({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });

    // Assess
    try {
      expect(result.status).not.toBe(0);
      expect(result.output).toContain('when calling the GetParametersByPath operation');
      expect(() => statSync(box.dest)).toThrow();
    } finally {
      box.cleanup();
    }
  });

  it('finds a parameter under every hostile branch name SSM can hold, read as the instance reads it', async () => {
    // Prepare
    const stage = uniqueName('st');
    const nameable = hostileBranchNames()
      .filter((entry) => entry.validRef)
      .map((entry) => appSecretsLocation(stage, 'shop', entry.name).branchPath)
      .filter((branchPath) => branchPath !== null);
    await Promise.all(nameable.map((branchPath, i) => put(`${branchPath}/TOKEN`, `branch-token-${i}`)));

    // Act
    const found = await Promise.all(
      nameable.map(async (branchPath) => {
        const page = await ssm.send(
          new GetParametersByPathCommand({ Path: branchPath, Recursive: false, WithDecryption: true }),
        );
        return page.Parameters?.map((p) => p.Value);
      }),
    );

    // Assess
    expect(nameable.length).toBeGreaterThan(10);
    expect(found).toEqual(nameable.map((_, i) => [`branch-token-${i}`]));
  });

  it('overrides for hostile names SSM can hold, and logs why it looks up none for the others', async () => {
    // Prepare: a name YAML reads as a number, the longest name, and one with shell syntax.
    const stage = uniqueName('st');
    const valid = hostileBranchNames().filter((entry) => entry.validRef);
    const longest = valid.reduce((a, b) =>
      b.name.length > a.name.length && /^[\w./-]+$/.test(b.name) ? b : a,
    );
    const branches = ['0755', 'refs/heads/main', longest.name, 'feat/$(reboot)'];
    expect(valid.map((entry) => entry.name)).toEqual(expect.arrayContaining(branches));
    await put(`/branch-envs/${stage}/apps/shop/TOKEN`, 'app-token');
    await Promise.all(
      branches
        .slice(0, 3)
        .map((branch, i) =>
          put(`${appSecretsLocation(stage, 'shop', branch).branchPath}/TOKEN`, `branch-token-${i}`),
        ),
    );

    // Act
    const results = await Promise.all(branches.map((branch) => runFor(stage, branch)));

    // Assess
    expect(results.map((r) => r.read.TOKEN)).toEqual([
      'branch-token-0',
      'branch-token-1',
      'branch-token-2',
      'app-token',
    ]);
    expect(results.at(-1)?.output).toContain('no branch override lookup: invalid_characters');
  }, 60_000);
});
