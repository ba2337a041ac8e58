/**
 * `npm run chaos`: the whole local stack with the fault layer on, a mix of deploys from several
 * users, workers killed at chosen moments, then faults off and a drain. Writes the figures to
 * bench/results/chaos.json (or --out) and prints them. See bench/chaos/README.md for each measure.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCAL_SECRETS } from '../../local/src/config/localEnv';
import { CHAOS_CRASHES } from '../../local/src/faults/crashHook';
import {
  describeRates,
  FAULTS_VISIBILITY_SECONDS,
  NO_FAULTS,
  parseFaultSpec,
} from '../../local/src/faults/faultSpec';
import { type LocalStack, startLocalStack } from '../../local/src/stack/localStack';
import { REPO_ROOT } from '../../local/src/templates/packaging';
import { type ChaosArgs, parseChaosArgs } from './args';
import { answeredIds, dlqMessages, listInstances, measure, queueDepths, scanRecords } from './measure';
import { CHAOS_USERS, planDeploys, runDeploy, type SentDeploy } from './scenarios';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const startStack = (args: ChaosArgs, logFile: string): Promise<LocalStack> => {
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const write = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  return startLocalStack({
    stateDir: undefined,
    schedules: false,
    prewarm: 'all',
    bootDelayMs: 1500,
    // Redeliveries must not beat the idempotency INPROGRESS record (see FAULTS_VISIBILITY_SECONDS).
    maxVisibilitySeconds: FAULTS_VISIBILITY_SECONDS,
    env: {},
    faults: {
      rates: parseFaultSpec(args.faults),
      ...(args.crashes ? { crashes: { rules: CHAOS_CRASHES, budget: args.crashBudget } } : {}),
    },
    functionEnv: {
      ALLOWED_USERS: ['U0LOCAL1', 'U0LOCAL2', ...CHAOS_USERS].join(','),
      MAX_LIVE_PER_USER: '100',
      MAX_LIVE_TOTAL: '1000',
      TERMINATING_GRACE: '1m',
      RECONCILE_GRACE: '1m',
      // Resolver and reaper read the same limit: requests that never reached the resolver are ended
      // by the sweep (ADR 0018) within the drain rather than after 15 minutes.
      MAX_REQUEST_AGE_SECONDS: '150',
      STALE_REQUEST_GRACE: '30s',
    },
    log: write,
    faultLog: write,
    functionLog: (fn, line, stream) => write(`[${fn}] ${stream}: ${line}`),
    slackPrint: () => undefined,
  });
};

const sendAll = async (stack: LocalStack, args: ChaosArgs): Promise<SentDeploy[]> => {
  const plans = planDeploys(args.deploys);
  const sent: SentDeploy[] = [];
  const secret = LOCAL_SECRETS.signingSecret.value;
  let next = 0;
  const sender = async () => {
    for (let plan = plans[next++]; plan; plan = plans[next++]) {
      sent.push(await runDeploy(stack.endpoints.ingressUrl, secret, plan));
      await sleep(args.gapMs);
    }
  };
  await Promise.all(Array.from({ length: args.senders }, sender));
  return sent.sort((a, b) => a.index - b.index);
};

const fire = async (stack: LocalStack, names: string[]) => {
  for (const name of names) await stack.runtime.clock.fire(name).catch(() => undefined);
};

const allAnswered = (stack: LocalStack, sent: SentDeploy[]) =>
  answeredIds(sent, stack.slack.messages()).size === sent.length;

/** With faults still on: wait for answers, firing the sweep as its minute schedule would. */
const settle = async (stack: LocalStack, sent: SentDeploy[], args: ChaosArgs) => {
  const deadline = Date.now() + args.settleSeconds * 1000;
  let lastSweep = Date.now();
  while (Date.now() < deadline && !allAnswered(stack, sent)) {
    if (Date.now() - lastSweep > 20_000) {
      await fire(stack, ['sweep']);
      lastSweep = Date.now();
    }
    await sleep(2000);
  }
};

const quiet = async (stack: LocalStack, sent: SentDeploy[]): Promise<boolean> => {
  if (!allAnswered(stack, sent)) return false;
  const busy = (await queueDepths(stack.clients)).filter(
    (q) => !q.name.endsWith('-dlq') && q.visible + q.inFlight > 0,
  );
  if (busy.length > 0) return false;
  const figures = measure(
    sent,
    stack.slack.messages(),
    await scanRecords(stack.clients, stack.endpoints.deploymentsTable),
    await listInstances(stack.clients),
    0,
  );
  return figures.orphanInstances === 0 && figures.orphanRecords === 0;
};

/** Faults off, then sweep and reconcile until nothing is left to do (or the drain times out). */
const drain = async (stack: LocalStack, sent: SentDeploy[], args: ChaosArgs): Promise<number> => {
  stack.faults?.setRates(NO_FAULTS);
  stack.faults?.stopCrashes();
  const from = Date.now();
  const deadline = from + args.drainTimeoutSeconds * 1000;
  let lastFire = 0;
  while (Date.now() < deadline) {
    if (await quiet(stack, sent)) return (Date.now() - from) / 1000;
    if (Date.now() - lastFire > 15_000) {
      await fire(stack, ['sweep', 'reconcile']);
      lastFire = Date.now();
    }
    await sleep(3000);
  }
  return (Date.now() - from) / 1000;
};

const table = (figures: Record<string, number>): string =>
  Object.entries(figures)
    .map(([k, v]) => `| ${k.padEnd(20)} | ${String(v).padStart(7)} |`)
    .join('\n');

const report = async (stack: LocalStack, sent: SentDeploy[], args: ChaosArgs, drainSeconds: number) => {
  const dlq = await dlqMessages(stack.clients);
  const depth = (await queueDepths(stack.clients))
    .filter((q) => q.name.endsWith('-dlq'))
    .reduce((s, q) => s + q.visible + q.inFlight, 0);
  const records = await scanRecords(stack.clients, stack.endpoints.deploymentsTable);
  const messages = stack.slack.messages();
  const m = measure(sent, messages, records, await listInstances(stack.clients), depth);
  const { unanswered, orphanInstanceIds, orphanRecordIds, ...figures } = m;
  const result = {
    ...figures,
    drainSeconds: Math.round(drainSeconds),
    settings: {
      deploys: args.deploys,
      faults: describeRates(parseFaultSpec(args.faults)),
      crashes: args.crashes,
    },
    crashes: stack.faults?.crashes() ?? [],
    faultCounts: stack.faults?.counts() ?? {},
    dlq,
    unanswered: unanswered.map((u) => ({
      index: u.index,
      kind: u.kind,
      deployId: u.deployId,
      status: u.status,
      ack: u.ackText,
      record: records.find((r) => r.deployId === u.deployId)?.status,
      slack: messages
        .filter((x) => x.deployId === u.deployId)
        .map((x) => `${x.kind}: ${String(x.payload.text ?? '').slice(0, 80)}`),
    })),
    orphanInstanceIds,
    orphanRecordIds,
    deploys: sent.map((s) => ({
      index: s.index,
      kind: s.kind,
      deployId: s.deployId,
      status: s.status,
      ackMs: s.ackMs,
      followUps: s.followUps,
    })),
    finishedAt: new Date().toISOString(),
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `\n| measure              |   value |\n|----------------------|---------|\n${table({ ...figures, drainSeconds: result.drainSeconds })}`,
  );
  console.log(
    `crashes: ${result.crashes.length} (${[...new Set(result.crashes.map((c) => c.moment))].join('; ')})`,
  );
  for (const d of dlq) console.log(`DLQ ${d.queue}: ${d.detailType} for ${d.deployId}`);
  for (const u of result.unanswered)
    console.log(`unanswered: #${u.index} ${u.kind} ${u.deployId ?? ''} (${u.status}) ${u.ack}`);
  console.log(`written to ${args.out}`);
};

const main = async () => {
  const args = parseChaosArgs(process.argv.slice(2), join(REPO_ROOT, 'bench', 'results', 'chaos.json'));
  const logFile = `${args.out.replace(/\.json$/, '')}-log.txt`;
  say(
    `starting the local stack: faults ${describeRates(parseFaultSpec(args.faults))}, crashes ${args.crashes ? 'on' : 'off'}; logs in ${logFile}`,
  );
  const stack = await startStack(args, logFile);
  const stop = async () => {
    await stack.stop();
    say('local stack stopped; nothing left running');
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    await sleep(5000);
    say(`sending ${args.deploys} deploys from ${CHAOS_USERS.length + 1} users`);
    const sent = await sendAll(stack, args);
    say(`all sent; waiting for answers with faults on (at most ${args.settleSeconds}s)`);
    await settle(stack, sent, args);
    say('faults off; draining (sweep and reconcile)');
    const drainSeconds = await drain(stack, sent, args);
    await report(stack, sent, args, drainSeconds);
  } finally {
    await stop();
  }
};

main().catch((error: Error) => {
  console.error(`chaos run failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
