import {
  endedOf,
  entriesThatFit,
  expiredOf,
  markEnded,
  type QueueEntry,
  type QueueStore,
  type QuotaLimits,
  type QuotaUsage,
  waitingOf,
  withoutAnnounced,
} from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentStatus } from '@branch-envs/shared/deployments/states';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { parseDeployQuery } from '@branch-envs/shared/deployQuery';
import { derivedId } from '@branch-envs/shared/ids';
import { collect } from './concurrency';
import type { ReaperDeps } from './ports';
import { endedEvents, queuedRecord, startEvents } from './queueEvents';

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
  /** Every deployment counted, with the status the index showed (or REQUESTED for a started entry). */
  ids: Map<string, DeploymentStatus>;
}

const liveUsage = async (deps: ReaperDeps): Promise<Usage> => {
  const usage: Usage = { perUser: new Map(), total: 0, ids: new Map() };
  for (const status of HOLDING) {
    for (const record of await collect(deps.deployments.byStatus(status))) count(usage, record);
  }
  return usage;
};

const count = (usage: Usage, record: Pick<DeploymentRecord, 'deployId' | 'ownerId' | 'status'>): void => {
  if (usage.ids.has(record.deployId)) return;
  usage.ids.set(record.deployId, record.status);
  usage.total += 1;
  usage.perUser.set(record.ownerId, (usage.perUser.get(record.ownerId) ?? 0) + 1);
};

/**
 * Started entries stay in the queue, holding their slot, until the status index shows their
 * deployment past REQUESTED (or it ended): the provisioner's quota counts neither REQUESTED records
 * nor what the index does not show yet, so it counts these entries instead (ADR 0031).
 */
const startedStillCounted = (
  entry: QueueEntry,
  found: Map<string, DeploymentItem>,
  usage: Usage,
): boolean => {
  const deployId = entry.startedAs ?? startedIdOf(entry);
  const record = found.get(deployId);
  if (record && (record.kind !== 'deployment' || !HOLDING.includes(record.status))) return false;
  const indexed = usage.ids.get(deployId);
  if (indexed !== undefined && indexed !== 'REQUESTED') return false;
  count(usage, { deployId, ownerId: entry.owner.userId, status: 'REQUESTED' });
  return true;
};

const startedOf = (entry: QueueEntry, at: string): QueueEntry => ({
  ...entry,
  state: 'started',
  startedAs: startedIdOf(entry),
  startedAt: at,
});

const planRun = async (entries: QueueEntry[], deps: ReaperDeps, limits: QuotaLimits) => {
  const now = deps.clock();
  const expired = expiredOf(entries, Math.floor(now.getTime() / 1000));
  const started = entries.filter((entry) => entry.state === 'started');
  const { found } = await deps.deployments.getMany(started.map((e) => e.startedAs ?? startedIdOf(e)));
  const usage = await liveUsage(deps);
  const kept = started.filter((entry) => startedStillCounted(entry, found, usage));
  const waiting = waitingOf(entries).filter((entry) => !expired.includes(entry));
  const picks = new Set(entriesThatFit(waiting, usage, limits).map((entry) => entry.entryId));
  const ended = markEnded(endedOf(entries).concat(expired), expired, () => ({ reason: 'expired', at: now }));
  const next = [
    ...ended,
    ...kept,
    ...waiting.map((entry) => (picks.has(entry.entryId) ? startedOf(entry, now.toISOString()) : entry)),
  ];
  const unopened = next.filter((entry) => entry.state === 'started' && !found.has(entry.startedAs ?? ''));
  const changed = expired.length > 0 || picks.size > 0 || kept.length !== started.length;
  return { entries: changed ? next : undefined, result: { started: unopened, ended } };
};

/**
 * One pass over the queue: marks expired entries ended, gives free slots to waiting ones in fair
 * order (the compare-and-swap on the queue item means two overlapping passes cannot both give a
 * slot), then opens and publishes each started entry's request and tells its owner, and announces
 * and removes the ended ones. Every step is idempotent (derived ids, a conditional create), so a
 * pass that died halfway is finished by the next one.
 */
export const runQueue = async (deps: ReaperDeps, queue: QueuePorts): Promise<QueueRun> => {
  const first = await queue.store.read();
  if (first.entries.length === 0) return { started: [], expired: [] };
  const { result } = await queue.store.update((current) => planRun(current.entries, deps, queue.limits));
  for (const entry of result.started) await startEntry(entry, deps, queue);
  await announceEnded(result.ended, deps, queue);
  const expired = result.ended.filter((entry) => entry.endReason === 'expired');
  for (const entry of expired) deps.log.info('A queued request expired', { entryId: entry.entryId });
  if (result.started.length > 0) deps.telemetry.count('QueuedDeploysStarted', result.started.length);
  if (expired.length > 0) deps.telemetry.count('QueuedDeploysExpired', expired.length);
  return { started: result.started, expired };
};

/** QueuedDeployEnded for each ended entry (eventIds derived from the entry), then they leave the queue. */
const announceEnded = async (
  ended: QueueEntry[],
  deps: Pick<ReaperDeps, 'publisher'>,
  queue: QueuePorts,
): Promise<void> => {
  if (ended.length === 0) return;
  await deps.publisher.publish(endedEvents(ended));
  await queue.store.update(({ entries }) => ({
    entries: withoutAnnounced(entries, ended),
    result: undefined,
  }));
};

/**
 * The started entry's REQUESTED record, then its DeployRequested (what `/deploy` itself does, with
 * what the refused request asked for), then QueuedDeployStarted to tell the owner.
 */
const startEntry = async (entry: QueueEntry, deps: ReaperDeps, queue: QueuePorts): Promise<void> => {
  const parsed = parseDeployQuery(entry.query);
  const deployId = entry.startedAs ?? startedIdOf(entry);
  if (!parsed.ok) {
    deps.log.error('A queued query no longer parses; dropping it', { entryId: entry.entryId });
    return;
  }
  const now = deps.clock();
  await queue.openRequest(queuedRecord(entry, deployId, now));
  await deps.publisher.publish(startEvents(entry, deployId, parsed.query, now));
  deps.log.info('Started a queued request', { entryId: entry.entryId, deployId });
};

/**
 * Ends the waiting entries that match (the nightly run: all of them) and tells their owners; started
 * ones are deployments by now and end like any other.
 */
export const cancelQueued = async (
  deps: Pick<ReaperDeps, 'clock' | 'publisher'>,
  queue: QueuePorts,
  matches: (entry: QueueEntry) => boolean,
): Promise<QueueEntry[]> => {
  const at = deps.clock();
  const { result } = await queue.store.update(({ entries }) => {
    const cancelled = waitingOf(entries).filter(matches);
    if (cancelled.length === 0) return { result: [] as QueueEntry[] };
    const next = markEnded(entries, cancelled, () => ({ reason: 'cancelled_nightly', at }));
    return {
      entries: next,
      result: endedOf(next).filter((e) => cancelled.some((c) => c.entryId === e.entryId)),
    };
  });
  await announceEnded(result, deps, queue);
  return result;
};
