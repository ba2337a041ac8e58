import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_DIR, loadStageConfig } from '@branch-envs/shared/stageConfig/load';
import { templatePathOf } from './cfnTypes';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
const SERVICES_DIR = join(REPO_ROOT, 'services');
/**
 * What every stack's params are read and checked with (ADR 0014); a change re-packages them all.
 * Files, not the config/ folder: another stage's file coming or going changes nothing here.
 */
const STAGE_CONFIG_INPUTS = [
  join(CONFIG_DIR, 'local.yml'),
  join(CONFIG_DIR, 'stageConfig.cjs'),
  join(REPO_ROOT, 'shared', 'src', 'stageConfig'),
  join(REPO_ROOT, 'shared', 'osls'),
];

/** Every service folder with a serverless.yml, platform first (it owns what the others name). */
export const listServiceDirs = (servicesDir = SERVICES_DIR): string[] =>
  readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(servicesDir, entry.name, 'serverless.yml')))
    .map((entry) => entry.name)
    .sort((a, b) => (a === 'platform' ? -1 : b === 'platform' ? 1 : a.localeCompare(b)))
    .map((name) => join(servicesDir, name));

const newestMtime = (path: string): number => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
};

/**
 * A template is stale when missing, or older than its serverless.yml, anything under src/, or the
 * stage config and its schema.
 */
export const isStale = (serviceDir: string): boolean => {
  const template = templatePathOf(serviceDir);
  if (!existsSync(template)) return true;
  const inputs = Math.max(
    newestMtime(join(serviceDir, 'serverless.yml')),
    newestMtime(join(serviceDir, 'src')),
    ...STAGE_CONFIG_INPUTS.map(newestMtime),
  );
  return statSync(template).mtimeMs < inputs;
};

export class PackagingError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PackagingError';
  }
}

const run = (
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });

/**
 * Re-packages the stale services through `scripts/package.mjs`, in up to `concurrency` processes at
 * once (osls spends most of its time in single-threaded start-up, so two halve the wait on two cores).
 */
export const packageStale = async (
  serviceDirs: string[],
  options: { concurrency?: number; log?: (line: string) => void } = {},
): Promise<string[]> => {
  // Checked even when nothing is stale: `npm start` must not run on a config that would not package.
  loadStageConfig('local');
  const stale = serviceDirs.filter(isStale);
  if (stale.length === 0) return [];
  const groups: string[][] = Array.from(
    { length: Math.min(options.concurrency ?? 2, stale.length) },
    () => [],
  );
  for (const [index, dir] of stale.entries()) groups[index % groups.length]?.push(dir);
  options.log?.(`packaging ${stale.map((d) => d.split('/').pop()).join(', ')} (osls package --stage local)`);
  const results = await Promise.all(
    groups.map((group) =>
      run(
        process.execPath,
        [join(REPO_ROOT, 'scripts', 'package.mjs'), ...group.map((d) => d.split('/').pop() ?? d)],
        REPO_ROOT,
        process.env,
      ),
    ),
  );
  const failed = results.find((r) => r.code !== 0);
  if (failed) throw new PackagingError(`npm run package failed:\n${failed.output.trim()}`);
  return stale;
};

const OSLS_BIN = join(dirname(require.resolve('osls/package.json')), 'bin', 'serverless.js');

/**
 * Packages one service folder anywhere on disk (tests package fixtures in a temp dir) with dummy
 * credentials, the way scripts/package.mjs does, so nothing can reach a real account.
 */
export const packageService = async (
  serviceDir: string,
  stage: string,
  region = 'eu-north-1',
): Promise<void> => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'offline',
    AWS_SECRET_ACCESS_KEY: 'offline',
    AWS_SESSION_TOKEN: 'offline',
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  delete env.AWS_PROFILE;
  const result = await run(
    process.execPath,
    [OSLS_BIN, 'package', '--stage', stage, '--region', region],
    serviceDir,
    env,
  );
  if (result.code !== 0)
    throw new PackagingError(`osls package failed in ${serviceDir}:\n${result.output.trim()}`);
};
