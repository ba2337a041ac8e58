import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CONFIG_DIR, loadStageConfig } from '@branch-envs/shared/stageConfig/load';
import { isRecord, templatePathOf } from './cfnTypes';

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

/** The stage a service was last packaged for, from osls's `.serverless/serverless-state.json`. */
export const packagedStageOf = (serviceDir: string): string | undefined => {
  const file = join(dirname(templatePathOf(serviceDir)), 'serverless-state.json');
  if (!existsSync(file)) return undefined;
  try {
    const state: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const stage =
      isRecord(state) && isRecord(state.service) && isRecord(state.service.provider)
        ? state.service.provider.stage
        : undefined;
    return typeof stage === 'string' ? stage : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Why a service's packaged template cannot be applied as the `stage` stack, or undefined when it can:
 * missing, packaged for another stage (an operator's `osls package --stage ci` leaves templates naming
 * `/branch-envs/ci/...`), or older than its serverless.yml, anything under src/, or the stage config and its schema.
 */
export const staleReason = (serviceDir: string, stage = 'local'): string | undefined => {
  const template = templatePathOf(serviceDir);
  if (!existsSync(template)) return 'not packaged yet';
  const packagedStage = packagedStageOf(serviceDir);
  if (packagedStage === undefined) return 'its packaged stage is unknown';
  if (packagedStage !== stage) return `its template is of stage ${packagedStage}, not ${stage}`;
  const inputs = Math.max(
    newestMtime(join(serviceDir, 'serverless.yml')),
    newestMtime(join(serviceDir, 'src')),
    ...STAGE_CONFIG_INPUTS.map(newestMtime),
  );
  return statSync(template).mtimeMs < inputs ? 'its sources changed since' : undefined;
};

export const isStale = (serviceDir: string, stage = 'local'): boolean =>
  staleReason(serviceDir, stage) !== undefined;

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
  options: { concurrency?: number; log?: (line: string) => void; stage?: string } = {},
): Promise<string[]> => {
  const stage = options.stage ?? 'local';
  // Checked even when nothing is stale: `npm start` must not run on a config that would not package.
  loadStageConfig(stage);
  const stale = serviceDirs.flatMap((dir) => {
    const reason = staleReason(dir, stage);
    return reason === undefined ? [] : [{ dir, name: basename(dir), reason }];
  });
  if (stale.length === 0) return [];
  const groups: string[][] = Array.from(
    { length: Math.min(options.concurrency ?? 2, stale.length) },
    () => [],
  );
  for (const [index, { name }] of stale.entries()) groups[index % groups.length]?.push(name);
  const why = stale.map(({ name, reason }) => `${name} (${reason})`).join(', ');
  options.log?.(`packaging ${why} with osls package --stage ${stage}`);
  // STAGE from the user's shell must not leak in: this stack applies only the `stage` templates.
  const env = { ...process.env, STAGE: stage };
  const results = await Promise.all(
    groups.map((group) =>
      run(process.execPath, [join(REPO_ROOT, 'scripts', 'package.mjs'), ...group], REPO_ROOT, env),
    ),
  );
  const failed = results.find((r) => r.code !== 0);
  if (failed) throw new PackagingError(`npm run package failed:\n${failed.output.trim()}`);
  return stale.map(({ dir }) => dir);
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
