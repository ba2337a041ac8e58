/**
 * The reaper's TTL sweep over 10,000 deployment records of which 1,000 have expired (docs/architecture.md §10:
 * "work proportional to the 1,000; EC2 calls in batches"), against moto, side by side with the
 * same sweep finding its work through one full-table Scan instead of the status+expiresAt GSI.
 *
 *   npx tsx bench/reaper/sweep.ts [--records 10000] [--expired 1000] [--json]
 *
 * Reports, for each: items DynamoDB read (ScannedCount / items returned, plus ConsumedCapacity when
 * the endpoint reports it), DynamoDB and EC2 calls by operation (counted in SDK middleware), and
 * wall time; then the Scan/GSI ratios. moto's per-request latency makes wall times much longer
 * than in AWS; the counts are what carries over.
 */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@aws-sdk/types';
import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { startMoto } from '../../local/src/aws/moto';
import { createSweepHandler } from '../../services/reaper/src/handlers/createScheduledHandlers';
import type { createWorld } from '../../services/reaper/tests/helpers/world';

type World = Awaited<ReturnType<typeof createWorld>>;
type DeploymentStore = World['rt']['deps']['deployments'];

interface Meter {
  calls: Map<string, number>;
  /** Items read, by operation: what finding the work cost versus re-reading it. */
  itemsByOperation: Map<string, number>;
  itemsRead: number;
  itemsReturned: number;
  /** What the endpoint reported; moto charges one unit per call (per item for BatchGet), not by size. */
  capacityUnits: number;
  /** DynamoDB's pricing applied to the bytes returned: 4 KB units, halved for eventually consistent reads. */
  estimatedReadUnits: number;
}

const newMeter = (): Meter => ({
  calls: new Map(),
  itemsByOperation: new Map(),
  itemsRead: 0,
  itemsReturned: 0,
  capacityUnits: 0,
  estimatedReadUnits: 0,
});

const sizeOf = (items: unknown[] | undefined): number =>
  (items ?? []).reduce<number>((sum, i) => sum + JSON.stringify(i).length, 0);

/**
 * DynamoDB's read pricing on the bytes returned: Query and Scan round the page up to 4 KB units
 * (eventually consistent, so half); a consistent BatchGet or GetItem pays per item.
 */
const readUnits = (name: string, out: ReadOutput & { Items?: unknown[] }): number => {
  if (name === 'BatchGetItemCommand') {
    return Object.values(out.Responses ?? {})
      .flat()
      .reduce<number>((sum, i) => sum + Math.ceil(JSON.stringify(i).length / 4096), 0);
  }
  if (name === 'GetItemCommand') return Math.ceil(JSON.stringify(out.Item ?? {}).length / 4096);
  return Math.ceil(sizeOf(out.Items) / 4096) * 0.5;
};

const READS = new Set(['QueryCommand', 'ScanCommand', 'GetItemCommand', 'BatchGetItemCommand']);

interface ReadOutput {
  Count?: number;
  ScannedCount?: number;
  Item?: unknown;
  Responses?: Record<string, unknown[]>;
  ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
}

const itemsOf = (out: ReadOutput): { read: number; returned: number } => {
  if (out.Responses) {
    const n = Object.values(out.Responses).reduce((sum, items) => sum + items.length, 0);
    return { read: n, returned: n };
  }
  if (out.Count !== undefined) return { read: out.ScannedCount ?? out.Count, returned: out.Count };
  return { read: out.Item ? 1 : 0, returned: out.Item ? 1 : 0 };
};

/** Counts every call a client makes and, for reads, the items and capacity they cost. */
const meterClient = <I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  meter: () => Meter,
) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      const m = meter();
      m.calls.set(name, (m.calls.get(name) ?? 0) + 1);
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (READS.has(name)) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (READS.has(name)) {
        const out = result.output as ReadOutput;
        const { read, returned } = itemsOf(out);
        m.itemsRead += read;
        m.itemsByOperation.set(name, (m.itemsByOperation.get(name) ?? 0) + read);
        m.itemsReturned += returned;
        m.capacityUnits += [out.ConsumedCapacity ?? []]
          .flat()
          .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        m.estimatedReadUnits += readUnits(name, out);
      }
      return result;
    },
    { step: 'initialize', name: 'benchMeter' },
  );
};

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

/**
 * The Scan-based alternative: one paginated full-table Scan per sweep (the cheapest a Scan can be
 * made), its items then served per status from memory. Everything else in the sweep is the same.
 */
const scanning = (store: DeploymentStore, world: World): DeploymentStore => {
  let cache: Promise<DeploymentRecord[]> | undefined;
  const scanAll = async (): Promise<DeploymentRecord[]> => {
    const records: DeploymentRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await world.documents.send(
        new ScanCommand({ TableName: world.deploymentsTable, ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) {
        const parsed = DeploymentRecord.safeParse(item);
        if (parsed.success) records.push(parsed.data);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return records;
  };
  return {
    ...store,
    async *expiringBy(status, until) {
      cache ??= scanAll();
      yield* (await cache).filter((r) => r.status === status && r.expiresAt <= until);
    },
    async *byStatus(status) {
      cache ??= scanAll();
      yield* (await cache).filter((r) => r.status === status);
    },
  };
};

/** Finding the work alone (what a sweep reads before it writes anything): the part that grows with the table. */
const timeFinding = async (store: DeploymentStore): Promise<number> => {
  const until = Math.floor(Date.now() / 1000) + 1800;
  const started = process.hrtime.bigint();
  await Promise.all(
    [...LIVE_STATUSES, 'TERMINATING' as const].map(async (status) => {
      for await (const _ of store.expiringBy(status, until)) {
        // drained for timing only
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
};

const setUp = async (region: string, records: number, expired: number) => {
  const { createWorld } = await import('../../services/reaper/tests/helpers/world');
  const { recordFor, epoch } = await import('../../services/reaper/tests/helpers/factories');
  const world = await createWorld({ region });
  const now = new Date();
  const instanceIds = await world.launch(expired, [{ Key: 'ManagedBy', Value: 'branch-envs' }]);
  const seeded = Array.from({ length: records }, (_, n) =>
    n < expired
      ? recordFor({ instanceId: instanceIds[n], expiresAt: epoch(now) - 60 - n }, now)
      : recordFor(
          { status: n % 2 === 0 ? 'READY' : 'RUNNING', expiresAt: epoch(now) + 3600 * (1 + (n % 48)) },
          now,
        ),
  );
  await world.seed(seeded);
  for (let i = 0; i < expired; i += 8) {
    const tagging = seeded.slice(i, Math.min(i + 8, expired)).map((r) =>
      world.ec2.send(
        new CreateTagsCommand({
          Resources: [r.instanceId ?? ''],
          Tags: [{ Key: 'DeployId', Value: r.deployId }],
        }),
      ),
    );
    await Promise.all(tagging);
  }
  return { world };
};

const measure = async (label: string, region: string, records: number, expired: number, useScan: boolean) => {
  const setupStarted = Date.now();
  const { world } = await setUp(region, records, expired);
  let meter = newMeter();
  meterClient(world.rt.clients.dynamo, () => meter);
  meterClient(world.rt.clients.ec2, () => meter);
  meterClient(world.rt.clients.eventBridge, () => meter);
  const setupSeconds = (Date.now() - setupStarted) / 1000;
  const storeFor = () => (useScan ? scanning(world.rt.deps.deployments, world) : world.rt.deps.deployments);
  const findMs = await timeFinding(storeFor());
  meter = newMeter(); // the sweep's own reads and calls only
  // The deployed sweep handler, with the store swapped and metrics not flushed (nothing to read them).
  const sweep = createSweepHandler({
    ...world.rt,
    deps: { ...world.rt.deps, deployments: storeFor() },
    flush: () => undefined,
  });
  const started = process.hrtime.bigint();
  const summary = await sweep();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const byService = (prefix: RegExp) =>
    Object.fromEntries([...meter.calls].filter(([name]) => prefix.test(name)).sort());
  return {
    label,
    wallMs: Math.round(wallMs),
    findMs: Math.round(findMs),
    setupSeconds,
    itemsRead: meter.itemsRead,
    itemsReturned: meter.itemsReturned,
    itemsByOperation: Object.fromEntries(meter.itemsByOperation),
    capacityUnits: meter.capacityUnits,
    estimatedReadUnits: meter.estimatedReadUnits,
    dynamoCalls: byService(/Query|Scan|Item|BatchGet|BatchWrite/),
    ec2Calls: byService(/Instances|Tags/),
    ec2CallCount: [...meter.calls].filter(([n]) => /Instances/.test(n)).reduce((s, [, c]) => s + c, 0),
    eventCalls: meter.calls.get('PutEventsCommand') ?? 0,
    terminated: summary.expired.instancesTerminated,
    closed: summary.expired.closed,
  };
};

const main = async () => {
  const records = arg('records', 10_000);
  const expired = arg('expired', 1_000);
  const moto = await startMoto();
  process.env.MOTO_ENDPOINT = moto.endpoint;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    console.error(
      `bench: ${records} records, ${expired} expired, moto at ${moto.endpoint} (setup takes a while)`,
    );
    const gsi = await measure('GSI sweep (the reaper)', 'eu-north-1', records, expired, false);
    const scan = await measure('Scan-based sweep', 'eu-west-1', records, expired, true);
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(1));
    const result = {
      records,
      expired,
      runs: [gsi, scan],
      ratios: {
        itemsRead: ratio(scan.itemsRead, gsi.itemsRead),
        estimatedReadUnits: ratio(scan.estimatedReadUnits, gsi.estimatedReadUnits),
        wallTime: ratio(scan.wallMs, gsi.wallMs),
        findTime: ratio(scan.findMs, gsi.findMs),
        ec2Calls: ratio(scan.ec2CallCount, gsi.ec2CallCount),
      },
    };
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    for (const run of result.runs) {
      console.log(`\n${run.label}`);
      console.log(
        `  wall time            ${run.wallMs} ms (setup ${run.setupSeconds.toFixed(0)} s, not counted)`,
      );
      console.log(`  finding the work     ${run.findMs} ms (reads only, measured separately)`);
      console.log(
        `  items read           ${run.itemsRead} (returned ${run.itemsReturned}) ${JSON.stringify(run.itemsByOperation)}`,
      );
      console.log(
        `  read units           ~${run.estimatedReadUnits} estimated from bytes (moto reports ${run.capacityUnits})`,
      );
      console.log(`  DynamoDB calls       ${JSON.stringify(run.dynamoCalls)}`);
      console.log(`  EC2 calls            ${run.ec2CallCount} ${JSON.stringify(run.ec2Calls)}`);
      console.log(`  PutEvents calls      ${run.eventCalls}`);
      console.log(`  terminated / closed  ${run.terminated} / ${run.closed}`);
    }
    const r = result.ratios;
    console.log(
      `\nScan / GSI: items read ${r.itemsRead}x, read units ${r.estimatedReadUnits}x, finding ${r.findTime}x, wall time ${r.wallTime}x, EC2 calls ${r.ec2Calls}x`,
    );
  } finally {
    await moto.stop();
  }
};

void main();
