/**
 * How long after an environment's app turns healthy InstanceReady is published (docs/architecture.md §10: 5 s or
 * less, the probe interval), and how many Lambda invocations one deployment costs.
 *
 * Everything is real but the waiting: moto (EC2, DynamoDB, EventBridge, SQS), both handlers wired
 * as the Lambda entry modules wire them (idempotency store, repository, events port, EC2 adapter, HTTP
 * health check), and an app server per instance on loopback that turns healthy at a known time.
 *   - simulated (default): the probe queue is a priority queue on a clock that runs at real speed
 *     while code runs and jumps over SQS delays, so a 5-minute boot takes a second. `--pickup-ms`
 *     is the SQS→Lambda poller latency added after a delayed message becomes visible.
 *   - `--real N`: N deployments at once through moto's SQS with real DelaySeconds, on the wall
 *     clock, with a poller playing Lambda's event source mapping (short polls every 100 ms, batches
 *     of up to 10 handled by one invocation).
 *
 *   - `--phone-home`: the instance also reports ready (POST /phone-home/{deployId}, the real HTTP
 *     handler on loopback, URL and token read back from the user data in moto) the moment its app
 *     turns healthy, as bootstrap.sh does; the probes go on beside it.
 *
 *   npx tsx bench/provisioner/readiness.ts [--trials 24] [--interval 5] [--pickup-ms 100] [--real 3] [--phone-home]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Message } from '@aws-sdk/client-sqs';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { logger } from '@branch-envs/shared/observability';
import { startMoto } from '../../local/src/aws/moto';
import { toSqsEvent } from '../../local/src/runner/sqsEvent';
import type { ProvisionerConfig } from '../../services/provisioner/src/config';
import type { ProbeScheduler } from '../../services/provisioner/src/domain/ports';
import { createProvisioner } from '../../services/provisioner/src/domain/provision/provisioner';
import { createPhoneHome } from '../../services/provisioner/src/domain/readiness/phoneHome';
import { createProber } from '../../services/provisioner/src/domain/readiness/probe';
import { createPhoneHomeHandler } from '../../services/provisioner/src/handlers/createPhoneHomeHandler';
import { createProbeHandler } from '../../services/provisioner/src/handlers/createProbeHandler';
import { createProvisionHandler } from '../../services/provisioner/src/handlers/createProvisionHandler';
import { type Clients, proberPorts, provisionerPorts } from '../../services/provisioner/src/wiring';
import { resolvedDetail } from '../../services/provisioner/tests/helpers/factories';
import {
  instancesOf,
  type MotoPlatform,
  motoClients,
  motoConfigFor,
  motoPlatform,
  receive,
} from '../../services/provisioner/tests/helpers/motoStack';
import { lambdaContext, sqsEvent, sqsRecordFor } from '../../shared/tests/helpers/factories';
import { Clock, healthyOffsetsMs, startApp, summarize, timingEvents, VirtualQueue } from './kit';
import { reporterFor, startRoute } from './phoneHome';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '24' },
    interval: { type: 'string', default: '5' },
    'pickup-ms': { type: 'string', default: '100' },
    real: { type: 'string', default: '0' },
    'phone-home': { type: 'boolean', default: false },
  },
});
const PHONE_HOME = args['phone-home'];
const TRIALS = Number(args.trials);
const INTERVAL = Number(args.interval);
const PICKUP_MS = Number(args['pickup-ms']);
const REAL = Number(args.real);
const QUEUE_ARN = 'arn:aws:sqs:eu-north-1:123456789012:probes';

logger.setLogLevel('SILENT');

interface Wiring {
  provision: ReturnType<typeof createProvisionHandler>;
  probe: ReturnType<typeof createProbeHandler>;
  phoneHome: ReturnType<typeof createPhoneHomeHandler>;
  readyAt: Map<string, number>;
}

/** Both handlers as the entry modules build them; the probe queue and the clock may be swapped. */
const wire = (
  config: ProvisionerConfig,
  clients: Clients,
  now: () => number,
  probes?: ProbeScheduler,
): Wiring => {
  const readyAt = new Map<string, number>();
  const clock = () => new Date(now());
  const base = provisionerPorts(config, clients);
  const events = timingEvents(base.events, now, readyAt);
  const provisioner = createProvisioner(
    { ...base, events, now: clock, probes: probes ?? base.probes },
    config.settings,
  );
  const proberBase = proberPorts(config, clients);
  const prober = createProber(
    { ...proberBase, events, now: clock, probes: probes ?? proberBase.probes },
    config.settings.readiness,
  );
  const phoneHome = createPhoneHome({ ...proberBase, events, now: clock }, config.settings.readiness);
  return {
    provision: createProvisionHandler({
      provisioner,
      persistenceStore: idempotencyStore(config.idempotencyTable, clients.dynamo),
    }),
    probe: createProbeHandler({ prober }),
    phoneHome: createPhoneHomeHandler({ phoneHome }),
    readyAt,
  };
};

const launch = async (wiring: Wiring, clients: Clients) => {
  const detail = resolvedDetail();
  await wiring.provision(
    sqsEvent(sqsRecordFor(BranchResolved.detailType, detail)),
    lambdaContext('provision'),
  );
  const [instance] = await instancesOf(clients.ec2, detail.data.deployId);
  if (!instance?.InstanceId) throw new Error('the provisioner launched nothing');
  return { deployId: detail.data.deployId, instanceId: instance.InstanceId };
};

const envFor = (template: string, phoneHomeUrl: string) => ({
  APP_URL_TEMPLATE: template,
  PHONE_HOME_URL: PHONE_HOME ? phoneHomeUrl : undefined,
  PROBE_INTERVAL_SECONDS: String(INTERVAL),
  BOOT_TIMEOUT_SECONDS: '900',
  MAX_LIVE_TOTAL: '100000',
});

interface SimulatedRun {
  clients: Clients;
  clock: Clock;
  queue: VirtualQueue;
  wiring: Wiring;
  app: Awaited<ReturnType<typeof startApp>>;
}

/** Runs one probe message the way Lambda's poller would, once its delay (and the pickup) has passed. */
const runProbe = async (run: SimulatedRun, item: { visibleAt: number; body: string }, n: number) => {
  run.clock.skipTo(item.visibleAt + PICKUP_MS);
  const message: Message = {
    MessageId: `m-${n}`,
    ReceiptHandle: 'r',
    Body: item.body,
    Attributes: { ApproximateReceiveCount: '1' },
  };
  const started = Date.now();
  await run.wiring.probe(toSqsEvent([message], QUEUE_ARN, 'eu-north-1'), lambdaContext('probe'));
  return Date.now() - started;
};

/** One deployment, from launch to InstanceReady, with the app turning healthy `offset` ms after launch. */
const simulatedTrial = async (run: SimulatedRun, offset: number) => {
  const { deployId, instanceId } = await launch(run.wiring, run.clients);
  const report = PHONE_HOME ? await reporterFor(run.clients, instanceId) : undefined;
  const healthyAt = run.clock.now() + offset;
  run.app.healthyAt.set(instanceId, healthyAt);
  let probes = 0;
  let phoned = 0;
  let busyMs = 0;
  while (!run.wiring.readyAt.has(deployId)) {
    const due = run.queue.peek();
    if (report && phoned === 0 && (!due || due.visibleAt + PICKUP_MS >= healthyAt)) {
      // The app is healthy before the next probe is due: the instance reports at that moment.
      run.clock.skipTo(healthyAt);
      phoned = await report().then(() => 1);
      continue;
    }
    const item = run.queue.next();
    if (!item) throw new Error(`the probe loop of ${deployId} stopped before READY`);
    busyMs += await runProbe(run, item, probes);
    probes += 1;
  }
  return {
    healthyAfterS: offset / 1000,
    probes,
    invocations: 1 + probes + phoned,
    delayMs: (run.wiring.readyAt.get(deployId) ?? Number.NaN) - healthyAt,
    meanProbeMs: Math.round(busyMs / Math.max(1, probes)),
  };
};

/** One deployment at a time; the virtual clock skips each SQS delay and adds the poller's pickup. */
const simulated = async (clients: Clients, platform: MotoPlatform) => {
  const clock = new Clock();
  const [app, route] = await Promise.all([startApp(clock.now), startRoute()]);
  const queue = new VirtualQueue(clock);
  const wiring = wire(motoConfigFor(platform, envFor(app.template, route.url)), clients, clock.now, queue);
  route.bind(wiring.phoneHome);
  const run: SimulatedRun = { clients, clock, queue, wiring, app };
  const trials = [];
  for (const offset of healthyOffsetsMs(TRIALS)) trials.push(await simulatedTrial(run, offset));
  app.close();
  await route.close();
  return {
    trials,
    ...summarize(
      trials.map((t) => t.delayMs),
      trials.map((t) => t.invocations),
    ),
  };
};

/** N deployments at once on the wall clock, through moto's SQS with its real delays. */
const realTime = async (clients: Clients, platform: MotoPlatform) => {
  const [app, route] = await Promise.all([startApp(Date.now), startRoute()]);
  const wiring = wire(motoConfigFor(platform, envFor(app.template, route.url)), clients, Date.now);
  route.bind(wiring.phoneHome);
  const launched = await Promise.all(Array.from({ length: REAL }, () => launch(wiring, clients)));
  const healthyAt = new Map(launched.map((l, i) => [l.deployId, Date.now() + 6_000 + i * 3_700]));
  for (const l of launched) app.healthyAt.set(l.instanceId, healthyAt.get(l.deployId) ?? 0);
  const reports = PHONE_HOME
    ? launched.map(async (l) => {
        const report = await reporterFor(clients, l.instanceId);
        await new Promise((resolve) => setTimeout(resolve, (healthyAt.get(l.deployId) ?? 0) - Date.now()));
        return report();
      })
    : [];
  const probesOf = new Map<string, number>();
  let batches = 0;
  const deadline = Date.now() + 120_000;
  while (launched.some((l) => !wiring.readyAt.has(l.deployId)) && Date.now() < deadline) {
    // Short polls every 100 ms: moto's long polls see a delayed message late, Lambda's pollers do not.
    const messages = await receive(clients.sqs, platform.probeQueue, 0);
    if (messages.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    batches += 1;
    for (const m of messages) {
      const { deployId } = JSON.parse(m.Body ?? '{}') as { deployId: string };
      probesOf.set(deployId, (probesOf.get(deployId) ?? 0) + 1);
    }
    await wiring.probe(toSqsEvent(messages, QUEUE_ARN, 'eu-north-1'), lambdaContext('probe'));
  }
  await Promise.all(reports);
  app.close();
  await route.close();
  const trials = launched.map((l) => ({
    probes: probesOf.get(l.deployId) ?? 0,
    invocations: 1 + (probesOf.get(l.deployId) ?? 0) + (PHONE_HOME ? 1 : 0),
    delayMs: (wiring.readyAt.get(l.deployId) ?? Number.NaN) - (healthyAt.get(l.deployId) ?? 0),
  }));
  return {
    trials,
    probeBatches: batches,
    ...summarize(
      trials.map((t) => t.delayMs),
      trials.map((t) => t.invocations),
    ),
  };
};

const main = async () => {
  const moto = await startMoto();
  process.env.MOTO_ENDPOINT = moto.endpoint;
  try {
    const clients = motoClients();
    const platform = await motoPlatform(clients);
    const sim = await simulated(clients, platform);
    const real = REAL > 0 ? await realTime(clients, platform) : undefined;
    const result = { interval: INTERVAL, pickupMs: PICKUP_MS, phoneHome: PHONE_HOME, simulated: sim, real };
    console.table(sim.trials.map((t) => ({ ...t, delayS: t.delayMs / 1000 })));
    console.log(
      'simulated:',
      JSON.stringify({ delaySeconds: sim.delaySeconds, invocationsPerDeploy: sim.invocationsPerDeploy }),
    );
    if (real) {
      console.table(real.trials.map((t) => ({ ...t, delayS: t.delayMs / 1000 })));
      console.log(
        'real:',
        JSON.stringify({ delaySeconds: real.delaySeconds, invocationsPerDeploy: real.invocationsPerDeploy }),
      );
    }
    const out = join(__dirname, '..', 'results');
    mkdirSync(out, { recursive: true });
    const name = PHONE_HOME ? 'provisioner-readiness-phone-home.json' : 'provisioner-readiness.json';
    writeFileSync(join(out, name), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await moto.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
