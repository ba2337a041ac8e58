import {
  entriesThatFit,
  expiredOf,
  type QueueEntry,
  type QueueStore,
  type QuotaLimits,
  type QuotaUsage,
  waitingOf,
} from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentStatus } from '@branch-envs/shared/deployments/states';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { parseDeployQuery } from '@branch-envs/shared/deployQuery';
import { DeployRequestedV2 } from '@branch-envs/shared/events/DeployRequested.v2';
import { derivedId } from '@branch-envs/shared/ids';
import { collect } from './concurrency';
import type { ReaperDeps } from './ports';

/** What the reaper needs to run the deploy queue (ADR 0025); absent, the queue is off. */
export interface QueuePorts {
  store: QueueStore;
  limits: QuotaLimits;
  /** Creates the REQUESTED record of a started entry; false when it exists already. */
  openRequest(record: DeploymentRecord): Promise<boolean>;
}

/**
 * What holds a slot while the queue decides: every live state but FAILED (as the provisioner's quota
 * counts), and REQUESTED too. A request still being resolved may end up rejected, but counting it
 * can only delay a start by one sweep; not counting it could give its slot away twice.
 */
const HOLDING: readonly DeploymentStatus[] = ['REQUESTED', 'RESOLVED', 'LAUNCHING', 'RUNNING', 'READY'];

export interface QueueRun {
  started: QueueEntry[];
  expired: QueueEntry[];
}

/** The deployment a started entry launches as: derived, so a retried run opens the same one. */
export const startedIdOf = (entry: Pick<QueueEntry, 'entryId'>): string =>
  derivedId(entry.entryId, 'queue', 'start');

interface Usage extends QuotaUsage {
  perUser: Map<string, number>;
  ids: Set<string>;
}

const liveUsage = async (deps: ReaperDeps): Promise<Usage> => {
  const usage: Usage = { perUser: new Map(), total: 0, ids: new Set() };
  for (const status of HOLDING) {
    for (const record of await collect(deps.deployments.byStatus(status))) count(usage, record);
  }
  return usage;
};

const count = (usage: Usage, record: Pick<DeploymentRecord, 'deployId' | 'ownerId'>): void => {
  if (usage.ids.has(record.deployId)) return;
  usage.ids.add(record.deployId);
  usage.total += 1;
  usage.perUser.set(record.ownerId, (usage.perUser.get(record.ownerId) ?? 0) + 1);
};

/**
 * Started entries stay in the queue until the index shows their deployment (or it ended): until then
 * they are counted here, because the status index is eventually consistent and would not.
 */
const startedStillCounted = (
  entry: QueueEntry,
  found: Map<string, DeploymentItem>,
  usage: Usage,
): boolean => {
  const record = entry.startedAs ? found.get(entry.startedAs) : undefined;
  if (record && (record.kind !== 'deployment' || usage.ids.has(record.deployId))) return false;
  if (record && !HOLDING.includes(record.status)) return false;
  count(usage, { deployId: entry.startedAs ?? entry.entryId, ownerId: entry.owner.userId });
  return true;
};

const planRun = async (entries: QueueEntry[], deps: ReaperDeps, limits: QuotaLimits) => {
  const nowSeconds = Math.floor(deps.clock().getTime() / 1000);
  const expired = expiredOf(entries, nowSeconds);
  const started = entries.filter((entry) => entry.state === 'started');
  const { found } = await deps.deployments.getMany(
    started.flatMap((e) => (e.startedAs ? [e.startedAs] : [])),
  );
  const usage = await liveUsage(deps);
  const kept = started.filter((entry) => startedStillCounted(entry, found, usage));
  const waiting = waitingOf(entries).filter((entry) => !expired.includes(entry));
  const at = deps.clock().toISOString();
  const picks = new Set(entriesThatFit(waiting, usage, limits).map((entry) => entry.entryId));
  const next = [
    ...kept,
    ...waiting.map((entry) =>
      picks.has(entry.entryId)
        ? { ...entry, state: 'started' as const, startedAs: startedIdOf(entry), startedAt: at }
        : entry,
    ),
  ];
  const unopened = next.filter((entry) => entry.state === 'started' && !found.has(entry.startedAs ?? ''));
  const changed = expired.length > 0 || picks.size > 0 || kept.length !== started.length;
  return { entries: changed ? next : undefined, result: { started: unopened, expired } };
};

/**
 * One pass over the queue: drops expired entries, gives free slots to waiting ones in fair order
 * (the compare-and-swap on the queue item means two overlapping passes cannot both give a slot),
 * then opens and publishes each started entry's request. Opening is idempotent (derived ids, a
 * conditional create), so a pass that died after the write is finished by the next one.
 */
export const runQueue = async (deps: ReaperDeps, queue: QueuePorts): Promise<QueueRun> => {
  const first = await queue.store.read();
  if (first.entries.length === 0) return { started: [], expired: [] };
  const { result } = await queue.store.update((current) => planRun(current.entries, deps, queue.limits));
  for (const entry of result.started) await startEntry(entry, deps, queue);
  for (const entry of result.expired) deps.log.info('A queued request expired', { entryId: entry.entryId });
  if (result.started.length > 0) deps.telemetry.count('QueuedDeploysStarted', result.started.length);
  if (result.expired.length > 0) deps.telemetry.count('QueuedDeploysExpired', result.expired.length);
  return result;
};

/** The started entry's REQUESTED record, then its DeployRequested: what `/deploy` itself does. */
const startEntry = async (entry: QueueEntry, deps: ReaperDeps, queue: QueuePorts): Promise<void> => {
  const parsed = parseDeployQuery(entry.query);
  const deployId = entry.startedAs ?? startedIdOf(entry);
  if (!parsed.ok) {
    deps.log.error('A queued query no longer parses; dropping it', { entryId: entry.entryId });
    return;
  }
  const now = deps.clock();
  await queue.openRequest(queuedRecord(entry, deployId, now));
  await deps.publisher.publish([
    {
      contract: DeployRequestedV2,
      data: {
        deployId,
        query: entry.query,
        parsedQuery: parsed.query,
        ttlSeconds: entry.ttlSeconds,
        ttlCapped: false,
        fresh: false,
        owner: entry.owner,
        replyTo: entry.replyTo,
      },
      cause: { eventId: entry.entryId, correlationId: deployId },
    },
  ]);
  deps.log.info('Started a queued request', { entryId: entry.entryId, deployId });
};

const queuedRecord = (entry: QueueEntry, deployId: string, now: Date): DeploymentRecord => ({
  kind: 'deployment',
  deployId,
  status: 'REQUESTED',
  query: entry.query,
  owner: entry.owner,
  ownerId: entry.owner.userId,
  channelId: entry.replyTo.channelId,
  replyTo: entry.replyTo,
  responseUrlUses: 0,
  createdAt: now.toISOString(),
  ttlSeconds: entry.ttlSeconds,
  expiresAt: Math.floor(now.getTime() / 1000) + entry.ttlSeconds,
  keepOvernight: false,
  history: [{ step: 'requested', at: now.toISOString(), note: `from the queue (request ${entry.entryId})` }],
  version: 0,
});

/** Removes waiting entries (the nightly run: all of them); started ones are deployments by now. */
export const cancelQueued = async (
  queue: QueuePorts,
  matches: (entry: QueueEntry) => boolean,
): Promise<QueueEntry[]> => {
  const { result } = await queue.store.update(({ entries }) => {
    const cancelled = waitingOf(entries).filter(matches);
    if (cancelled.length === 0) return { result: cancelled };
    return { entries: entries.filter((entry) => !cancelled.includes(entry)), result: cancelled };
  });
  return result;
};
