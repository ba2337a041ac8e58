/**
 * An update in place against a fresh deploy, on the local stack, which this script starts (own moto,
 * schedules off) and stops. First `--deploys N` fresh deploys, one at a time, each timed from the
 * slash command to its InstanceReady; then `--updates N` new builds of the first deploy's branch,
 * one at a time, each timed from the moment its last artifact landed in S3 (the upload that makes
 * the build complete) to InstanceUpdated (the provisioner's own health check passed) and to the
 * simulated app serving the new head SHA. The provisioner checks the command's result every
 * `UPDATE_CHECK_INTERVAL_SECONDS` (its default unless `--check-interval` is given).
 *
 *   npm run bench:update -- [--deploys 3] [--updates 10] [--check-interval <s>] [--out bench/results/update.json]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSigningSecret } from '../../local/src/cli/localCommands';
import { sendSlashCommand, slashCommandForm } from '../../local/src/cli/slashCommand';
import { uploadBuild } from '../../local/src/cli/uploadBuild';
import { type LocalStack, startLocalStack } from '../../local/src/stack/localStack';
import { type DemoRepository, loadDemoRepository } from '../../local/src/standins/githubDemo';
import { REPO_ROOT } from '../../local/src/templates/packaging';
import { percentile } from '../pipeline/hops';
import { BusTap } from '../pipeline/timeline';

const { values: args } = parseArgs({
  options: {
    deploys: { type: 'string', default: '3' },
    updates: { type: 'string', default: '10' },
    'check-interval': { type: 'string' },
    'boot-delay-ms': { type: 'string', default: '1000' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'update.json') },
  },
});
const DEPLOYS = Number(args.deploys);
const UPDATES = Number(args.updates);
const BOOT_DELAY_MS = Number(args['boot-delay-ms']);
const USER = 'U0BENCH1';
const TICKET = (n: number) => `UPD-${100 + n}`;
const branchOf = (n: number) => `feature/${TICKET(n)}-bench`;

/** The demo repository plus one open pull request per fresh deploy, each on a branch of its own. */
const benchDemo = (count: number): DemoRepository => {
  const demo = loadDemoRepository();
  const extra = Array.from({ length: count }, (_, n) => ({
    name: branchOf(n),
    sha: randomBytes(20).toString('hex'),
  }));
  const pulls = extra.map((b, n) => ({
    number: 950 + n,
    head: b.name,
    base: demo.defaultBranch,
    title: `${TICKET(n)}: bench`,
    author: 'bench',
    state: 'open' as const,
    draft: false,
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
  }));
  return { ...demo, branches: [...demo.branches, ...extra], pulls: [...demo.pulls, ...pulls] };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
};

interface Fresh {
  deployId: string;
  branch: string;
  url: string;
  ms: number;
}

/** One fresh deploy: from the slash command to its InstanceReady event. */
const freshDeploy = async (stack: LocalStack, tap: BusTap, secret: string, n: number): Promise<Fresh> => {
  const form = slashCommandForm({ line: `/deploy ${TICKET(n)}`, userId: USER, channelId: 'C0BENCH01' });
  const sentAt = Date.now();
  const ack = await sendSlashCommand(stack.endpoints.ingressUrl, secret, form);
  if (!ack.deployId) throw new Error(`/deploy ${TICKET(n)}: HTTP ${ack.status}, no deploy id`);
  const deployId = ack.deployId;
  const ready = await until(
    `InstanceReady of ${deployId}`,
    async () => {
      await tap.drain();
      return tap.first('InstanceReady', deployId);
    },
    90_000,
  );
  return { deployId, branch: branchOf(n), url: String(ready.data.url), ms: ready.occurredAt - sentAt };
};

const servedSha = async (url: string): Promise<string | undefined> => {
  const response = await fetch(new URL('health', url)).catch(() => undefined);
  if (!response?.ok) return undefined;
  return ((await response.json()) as { headSha?: string }).headSha;
};

interface UpdateTiming {
  headSha: string;
  toUpdatedEventMs: number;
  toServingMs: number;
}

/** One new build of the environment's branch, timed from its last artifact landing. */
const updateOnce = async (
  stack: LocalStack,
  tap: BusTap,
  env: Fresh,
  sequence: number,
): Promise<UpdateTiming> => {
  const uploaded = await uploadBuild(stack.endpoints, env.branch);
  const landedAt = uploaded.completedAt.getTime();
  const serving = until(
    'the new build serving',
    async () => ((await servedSha(env.url)) === uploaded.headSha ? Date.now() : undefined),
    120_000,
  );
  const updated = await until(
    `InstanceUpdated ${sequence} of ${env.deployId}`,
    async () => {
      await tap.drain();
      return tap.events.find(
        (e) =>
          e.detailType === 'InstanceUpdated' && e.deployId === env.deployId && e.data.sequence === sequence,
      );
    },
    120_000,
  );
  if (updated.data.headSha !== uploaded.headSha)
    throw new Error(`update ${sequence} applied ${String(updated.data.headSha)}`);
  return {
    headSha: uploaded.headSha,
    toUpdatedEventMs: updated.occurredAt - landedAt,
    toServingMs: (await serving) - landedAt,
  };
};

const stats = (values: number[]) => ({
  n: values.length,
  p50: percentile(values, 50),
  p90: percentile(values, 90),
  min: values.length ? Math.min(...values) : undefined,
  max: values.length ? Math.max(...values) : undefined,
});

const main = async (): Promise<void> => {
  const loadBefore = loadavg();
  const stack = await startLocalStack({
    stateDir: undefined,
    schedules: false,
    prewarm: 'all',
    bootDelayMs: BOOT_DELAY_MS,
    env: {},
    demo: benchDemo(DEPLOYS),
    functionEnv: {
      ALLOWED_USERS: USER,
      ...(args['check-interval'] ? { UPDATE_CHECK_INTERVAL_SECONDS: args['check-interval'] } : {}),
    },
    log: (line) => {
      if (!line.startsWith('simulator:') && !line.startsWith('run-command:')) console.error(`stack: ${line}`);
    },
  });
  try {
    await Promise.all([...stack.runtime.hosts.values()].map((h) => h.warm()));
    const tap = await BusTap.attach(stack);
    const secret = await readSigningSecret(stack.endpoints);
    const fresh: Fresh[] = [];
    for (let n = 0; n < DEPLOYS; n++) fresh.push(await freshDeploy(stack, tap, secret, n));
    const [env] = fresh;
    if (!env) throw new Error('no deploy to update');
    const updates: UpdateTiming[] = [];
    for (let i = 1; i <= UPDATES; i++) {
      // S3's LastModified has one-second resolution: the next build must land in a later second.
      await sleep(1100);
      updates.push(await updateOnce(stack, tap, env, i));
      console.error(`update ${i}: ${JSON.stringify(updates.at(-1))}`);
    }
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
      bootDelayMs: BOOT_DELAY_MS,
      checkIntervalSeconds: args['check-interval'] ? Number(args['check-interval']) : 'default (10)',
      freshDeploy: {
        ...stats(fresh.map((f) => f.ms)),
        from: 'slash command sent',
        to: 'InstanceReady',
        samples: fresh,
      },
      update: {
        toUpdatedEvent: stats(updates.map((u) => u.toUpdatedEventMs)),
        toServingNewSha: stats(updates.map((u) => u.toServingMs)),
        from: 'last artifact landed in S3',
        samples: updates,
      },
    };
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      JSON.stringify(
        {
          freshDeploy: result.freshDeploy.p50,
          update: result.update.toUpdatedEvent,
          serving: result.update.toServingNewSha.p50,
          load: result.machine,
        },
        null,
        2,
      ),
    );
    console.log(`written to ${args.out}`);
  } finally {
    await stack.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
