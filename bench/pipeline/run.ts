/**
 * Per-hop latency of a deploy on the local stack, which this script starts (own moto, schedules off)
 * and stops, leaving nothing running. Two loads: `--sequential N` deploys one at a time (each followed
 * to its "ready" message before the next), then a burst of `--burst N` deploys at once from `--users N`
 * users. Every deploy names its own branch (bench branches are added to the demo repository), so each
 * launches. Timestamps come from the event envelopes, the deployments table, the Slack catcher and the
 * instance simulator (see timeline.ts); hops and budgets are in hops.ts.
 *
 *   npm run bench:pipeline -- [--sequential 10] [--burst 20] [--users 5] [--concurrency 10]
 *     [--out bench/results/pipeline.json]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSigningSecret } from '../../local/src/cli/localCommands';
import { sendSlashCommand, slashCommandForm } from '../../local/src/cli/slashCommand';
import type { LocalStack } from '../../local/src/stack/localStack';
import { startLocalStack } from '../../local/src/stack/localStack';
import { type DemoRepository, loadDemoRepository } from '../../local/src/standins/githubDemo';
import { REPO_ROOT } from '../../local/src/templates/packaging';
import { formatTable, summarise, type Timeline } from './hops';
import { BusTap, type Sent, timelineOf } from './timeline';

const { values: args } = parseArgs({
  options: {
    sequential: { type: 'string', default: '10' },
    burst: { type: 'string', default: '20' },
    users: { type: 'string', default: '5' },
    concurrency: { type: 'string' },
    'boot-delay-ms': { type: 'string', default: '1000' },
    verbose: { type: 'boolean', default: false },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'pipeline.json') },
  },
});
const SEQUENTIAL = Number(args.sequential);
const BURST = Number(args.burst);
const USERS = Array.from({ length: Number(args.users) }, (_, i) => `U0BENCH${i + 1}`);
const BOOT_DELAY_MS = Number(args['boot-delay-ms']);
const TICKET = (n: number) => `PIPE-${100 + n}`;

/** The demo repository plus one open pull request per bench deploy, each on a branch of its own. */
const benchDemo = (count: number): DemoRepository => {
  const demo = loadDemoRepository();
  const extra = Array.from({ length: count }, (_, n) => ({
    name: `feature/${TICKET(n)}-bench`,
    sha: randomBytes(20).toString('hex'),
  }));
  const pulls = extra.map((b, n) => ({
    number: 900 + n,
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

/** A slash command that got no deploy id back: counted and reported, not timed further. */
interface Refused {
  line: string;
  user: string;
  status: number;
  ms: number;
}

const deploy = async (
  stack: LocalStack,
  secret: string,
  user: string,
  n: number,
  refused: Refused[],
): Promise<Sent | undefined> => {
  const line = `/deploy ${TICKET(n)}`;
  const form = slashCommandForm({ line, userId: user, channelId: 'C0BENCH01' });
  const sentAt = Date.now();
  const ack = await sendSlashCommand(stack.endpoints.ingressUrl, secret, form);
  if (ack.status === 200 && ack.deployId)
    return { deployId: ack.deployId, user, sentAt, ackAt: sentAt + ack.durationMs };
  refused.push({ line, user, status: ack.status, ms: ack.durationMs });
  console.error(`${line} as ${user}: HTTP ${ack.status} after ${ack.durationMs} ms, no deploy id`);
  return undefined;
};

/** Polls the tap until every deploy has its InstanceReady (or DeployFailed/Rejected), or the deadline. */
const settle = async (tap: BusTap, ids: string[], timeoutMs: number): Promise<string[]> => {
  const deadline = Date.now() + timeoutMs;
  const ended = (id: string) =>
    ['InstanceReady', 'DeployFailed', 'DeployRejected'].some((type) => tap.first(type, id));
  while (Date.now() < deadline && !ids.every(ended)) {
    await tap.drain();
    await new Promise((r) => setTimeout(r, 250));
  }
  return ids.filter((id) => !ended(id));
};

/** The notifier's "ready" post lands a moment after InstanceReady: give it time before reading. */
const afterMessages = () => new Promise((r) => setTimeout(r, 2000));

type Phase = (stack: LocalStack, tap: BusTap, secret: string, refused: Refused[]) => Promise<Timeline[]>;

const sequential: Phase = async (stack, tap, secret, refused) => {
  const timelines: Timeline[] = [];
  for (let n = 0; n < SEQUENTIAL; n++) {
    const sent = await deploy(stack, secret, USERS[0] ?? 'U0BENCH1', n, refused);
    if (!sent) continue;
    const unfinished = await settle(tap, [sent.deployId], 60_000);
    if (unfinished.length > 0) console.error(`sequential deploy ${sent.deployId} did not finish in 60 s`);
    await afterMessages();
    timelines.push(await timelineOf(stack, tap, sent, BOOT_DELAY_MS));
  }
  return timelines;
};

const burst: Phase = async (stack, tap, secret, refused) => {
  const acks = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      deploy(stack, secret, USERS[i % USERS.length] ?? 'U0BENCH1', SEQUENTIAL + i, refused),
    ),
  );
  const sent = acks.filter((s) => s !== undefined);
  const unfinished = await settle(
    tap,
    sent.map((s) => s.deployId),
    120_000,
  );
  if (unfinished.length > 0) console.error(`burst: ${unfinished.length} deploy(s) did not finish in 120 s`);
  await afterMessages();
  await tap.drain();
  return Promise.all(sent.map((s) => timelineOf(stack, tap, s, BOOT_DELAY_MS)));
};

const startStack = () =>
  startLocalStack({
    stateDir: undefined,
    schedules: false,
    prewarm: 'all',
    bootDelayMs: BOOT_DELAY_MS,
    env: {},
    demo: benchDemo(SEQUENTIAL + BURST),
    ...(args.concurrency ? { maxConcurrency: Number(args.concurrency) } : {}),
    functionEnv: {
      ALLOWED_USERS: USERS.join(','),
      MAX_LIVE_PER_USER: String(SEQUENTIAL + BURST),
      MAX_LIVE_TOTAL: String(SEQUENTIAL + BURST + 10),
    },
    log: (line) => {
      if (args.verbose || !line.startsWith('simulator:')) console.error(`stack: ${line}`);
    },
    functionLog: (fn, line, stream) => {
      if (args.verbose || stream === 'runner') console.error(`${Date.now()} [${fn}] ${line.slice(0, 300)}`);
    },
  });

/** Waits for the background pre-warm of every function, so the first deploy meets warm workers. */
const warmAll = async (stack: LocalStack) => {
  await Promise.all([...stack.runtime.hosts.values()].map((h) => h.warm()));
};

const main = async (): Promise<void> => {
  const stack = await startStack();
  try {
    await warmAll(stack);
    const tap = await BusTap.attach(stack);
    const secret = await readSigningSecret(stack.endpoints);
    const refusedOne: Refused[] = [];
    const refusedMany: Refused[] = [];
    const one = await sequential(stack, tap, secret, refusedOne);
    const many = await burst(stack, tap, secret, refusedMany);
    const result = {
      measuredAt: new Date().toISOString(),
      bootDelayMs: BOOT_DELAY_MS,
      concurrency: args.concurrency ? Number(args.concurrency) : 'default',
      sequential: { deploys: SEQUENTIAL, refused: refusedOne, hops: summarise(one), timelines: one },
      burst: {
        deploys: BURST,
        users: USERS.length,
        refused: refusedMany,
        hops: summarise(many),
        timelines: many,
      },
    };
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    const refusals = (r: Refused[]) =>
      r.length > 0 ? `, ${r.length} refused (${r.map((x) => x.status)})` : '';
    console.log(
      formatTable(`\nOne deploy at a time (${SEQUENTIAL}${refusals(refusedOne)}):`, result.sequential.hops),
    );
    console.log(
      formatTable(
        `\nBurst of ${BURST} from ${USERS.length} users${refusals(refusedMany)}:`,
        result.burst.hops,
      ),
    );
    console.log(`\nwritten to ${args.out}`);
  } finally {
    await stack.stop();
  }
};

main().catch((error: Error) => {
  console.error(`bench:pipeline failed: ${error.message}`);
  process.exitCode = 1;
});
