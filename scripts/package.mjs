#!/usr/bin/env node
// Packages every services/*/serverless.yml into services/<svc>/.serverless/ without touching AWS.
// The templates it leaves behind feed cfn-lint, the static tests and the local stack's template applier.
//
// Usage: node scripts/package.mjs [service ...]   (STAGE defaults to local, AWS_REGION to eu-north-1)
// The stage's settings come from config/<stage>.yml, checked before anything is packaged.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const servicesDir = join(root, 'services');
const stage = process.env.STAGE || 'local';
const region = process.env.AWS_REGION || 'eu-north-1';

// Dummy credentials, so that nothing in the framework can reach (or prompt for) a real account.
const childEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'offline',
  AWS_SECRET_ACCESS_KEY: 'offline',
  AWS_SESSION_TOKEN: 'offline',
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_EC2_METADATA_DISABLED: 'true',
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};
delete childEnv.AWS_PROFILE;

/** Platform first: it owns what the other stacks refer to by name. */
const listStacks = () =>
  readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(servicesDir, entry.name, 'serverless.yml')))
    .map((entry) => entry.name)
    .sort((a, b) => (a === 'platform' ? -1 : b === 'platform' ? 1 : a.localeCompare(b)));

const packageStack = (service) => {
  const started = Date.now();
  const result = spawnSync('npx', ['osls', 'package', '--stage', stage, '--region', region], {
    cwd: join(servicesDir, service),
    env: childEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: result.status === 0, seconds, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, result };
};

const requested = process.argv.slice(2);
const available = listStacks();
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`package: no services/<name>/serverless.yml for: ${unknown.join(', ')}`);
  process.exit(1);
}
const stacks = requested.length > 0 ? requested : available;
if (stacks.length === 0) {
  console.error('package: found no services/*/serverless.yml');
  process.exit(1);
}

// Fail fast, and name every wrong field, before osls spends a minute per stack (ADR 0014). The
// stacks' variable source runs the same check, so a deploy without this script is checked too.
const { loadStageConfig, StageConfigError } = await tsImport(
  '../shared/src/stageConfig/load.ts',
  import.meta.url,
);
try {
  loadStageConfig(stage, join(root, 'config'));
} catch (error) {
  if (!(error instanceof StageConfigError)) throw error;
  console.error(`package: ${error.message}`);
  process.exit(1);
}

console.log(`package: ${stacks.length} stack(s), stage ${stage}, region ${region}`);
for (const service of stacks) {
  const { ok, seconds, output, result } = packageStack(service);
  if (!ok) {
    console.error(output.trimEnd());
    if (result.error) console.error(result.error.message);
    console.error(`package: FAILED ${service} after ${seconds}s (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  console.log(`package: ok ${service} (${seconds}s) -> services/${service}/.serverless/`);
}
