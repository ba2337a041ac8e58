import * as z from 'zod';
import { Ulid } from '../envelope';
import { EpochSeconds, IsoDateTime, Owner, ReplyTo, SlackUserId } from '../events/common';
import { QueueEndReason } from '../events/QueuedDeployEnded';

/**
 * The stage's deploy queue (ADR 0025): requests refused over a quota whose owner pressed [Queue me].
 * The whole queue is one item of the deployments table, key {@link QUEUE_KEY}, written only by a
 * compare-and-swap on its `version`; so every change (enqueue, start, expire, cancel) is atomic, and
 * two writers that read the same version cannot both win. It carries no GSI key, so no index sees it.
 */
export const QUEUE_KEY = 'queue#deploy';

/** A bound on the item (DynamoDB items stop at 400 KB; an entry is well under 1 KB). */
export const MAX_QUEUE_ENTRIES = 200;

export const QueueEntry = z
  .object({
    /** The deployId of the refused request; pressing [Queue me] twice finds the same entry. */
    entryId: Ulid,
    query: z.string().min(1),
    ttlSeconds: z.number().int().positive(),
    /** What the refused request asked for besides the query, so the queued deploy asks for the same (ADR 0031). */
    fresh: z.boolean().optional(),
    capacity: z.enum(['spot', 'on-demand']).optional(),
    follow: z.boolean().optional(),
    owner: Owner,
    replyTo: ReplyTo,
    enqueuedAt: IsoDateTime,
    /** When the entry stops waiting, whether or not a slot ever freed. */
    expiresAt: EpochSeconds,
    /**
     * `started`: a slot was given to it and `startedAs` is the deployment it launches as. `ended`: it
     * expired or was cancelled; it stays until its QueuedDeployEnded is published (ADR 0031).
     */
    state: z.enum(['waiting', 'started', 'ended']),
    startedAs: Ulid.optional(),
    startedAt: IsoDateTime.optional(),
    endReason: QueueEndReason.optional(),
    endedAt: IsoDateTime.optional(),
    cancelledBy: SlackUserId.optional(),
  })
  .strict();
export type QueueEntry = z.infer<typeof QueueEntry>;

export const DeployQueueItem = z.object({
  deployId: z.literal(QUEUE_KEY),
  kind: z.literal('queue'),
  version: z.number().int().nonnegative(),
  entries: z.array(QueueEntry),
});
export type DeployQueueItem = z.infer<typeof DeployQueueItem>;

export const emptyQueue = (): DeployQueueItem => ({
  deployId: QUEUE_KEY,
  kind: 'queue',
  version: 0,
  entries: [],
});

export const waitingOf = (entries: readonly QueueEntry[]): QueueEntry[] =>
  entries.filter((entry) => entry.state === 'waiting');

export const endedOf = (entries: readonly QueueEntry[]): QueueEntry[] =>
  entries.filter((entry) => entry.state === 'ended');

/** How an entry ends: why, when, and who cancelled it (a `/terminate`). */
export interface QueueEnd {
  reason: QueueEndReason;
  at: Date;
  by?: string;
}

/** The entries with `ending` marked ended; they leave the queue once their end is announced. */
export const markEnded = (
  entries: readonly QueueEntry[],
  ending: readonly QueueEntry[],
  endOf: (entry: QueueEntry) => QueueEnd,
): QueueEntry[] =>
  entries.map((entry) => {
    if (!ending.some((e) => e.entryId === entry.entryId)) return entry;
    const end = endOf(entry);
    return {
      ...entry,
      state: 'ended' as const,
      endReason: end.reason,
      endedAt: end.at.toISOString(),
      ...(end.by ? { cancelledBy: end.by } : {}),
    };
  });

/** The entries without the ended ones among `announced`: what is left once their owners were told. */
export const withoutAnnounced = (entries: readonly QueueEntry[], announced: readonly QueueEntry[]) => {
  const ids = new Set(announced.map((entry) => entry.entryId));
  return entries.filter((entry) => !(entry.state === 'ended' && ids.has(entry.entryId)));
};

/** QueuedDeployEnded's data for an ended entry. */
export const endedEventData = (entry: QueueEntry) => ({
  entryId: entry.entryId,
  query: entry.query,
  owner: entry.owner,
  replyTo: entry.replyTo,
  reason: entry.endReason ?? ('expired' as const),
  enqueuedAt: entry.enqueuedAt,
  expiresAt: entry.expiresAt,
  endedAt: entry.endedAt ?? entry.enqueuedAt,
  ...(entry.cancelledBy ? { cancelledBy: entry.cancelledBy } : {}),
});

const byEnqueued = (a: QueueEntry, b: QueueEntry): number =>
  a.enqueuedAt === b.enqueuedAt
    ? a.entryId.localeCompare(b.entryId)
    : a.enqueuedAt.localeCompare(b.enqueuedAt);

/**
 * The order slots are offered in. Each user has a queue of their own, oldest first; the stage queue
 * takes every user's first entry (oldest first) before anyone's second, and so on. One user queueing
 * ten requests therefore cannot keep another user's single request waiting behind all ten.
 */
export const fairOrder = (entries: readonly QueueEntry[]): QueueEntry[] => {
  const rankOf = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const entry of [...waitingOf(entries)].sort(byEnqueued)) {
    const rank = seen.get(entry.owner.userId) ?? 0;
    seen.set(entry.owner.userId, rank + 1);
    rankOf.set(entry.entryId, rank);
  }
  return waitingOf(entries).sort(
    (a, b) => (rankOf.get(a.entryId) ?? 0) - (rankOf.get(b.entryId) ?? 0) || byEnqueued(a, b),
  );
};

/** 1-based place of an entry among the waiting ones in {@link fairOrder}; undefined if it is not waiting. */
export const placeOf = (entries: readonly QueueEntry[], entryId: string): number | undefined => {
  const index = fairOrder(entries).findIndex((entry) => entry.entryId === entryId);
  return index < 0 ? undefined : index + 1;
};

/** What counts against the quotas now: deployments per owner and in total. */
export interface QuotaUsage {
  perUser: ReadonlyMap<string, number>;
  total: number;
}

export interface QuotaLimits {
  maxLivePerUser: number;
  maxLiveTotal: number;
}

/**
 * The waiting entries that fit, in fair order. An entry whose owner is at their own limit is passed
 * over without blocking the entries behind it (their slot is not the one that freed); the stage limit
 * stops the walk.
 */
export const entriesThatFit = (
  entries: readonly QueueEntry[],
  usage: QuotaUsage,
  limits: QuotaLimits,
): QueueEntry[] => {
  const perUser = new Map(usage.perUser);
  let total = usage.total;
  const picked: QueueEntry[] = [];
  for (const entry of fairOrder(entries)) {
    if (total >= limits.maxLiveTotal) break;
    const mine = perUser.get(entry.owner.userId) ?? 0;
    if (mine >= limits.maxLivePerUser) continue;
    picked.push(entry);
    perUser.set(entry.owner.userId, mine + 1);
    total += 1;
  }
  return picked;
};

/** Waiting entries whose time is up at `nowSeconds`. */
export const expiredOf = (entries: readonly QueueEntry[], nowSeconds: number): QueueEntry[] =>
  waitingOf(entries).filter((entry) => entry.expiresAt <= nowSeconds);

/**
 * A change to the queue, computed from the version read: the entries to write (undefined: write
 * nothing) and what to hand back to the caller. It may be called again on a newer version when
 * another writer won, so it must not have effects of its own.
 */
export type QueueChange<R> = (
  queue: DeployQueueItem,
) => Promise<{ entries?: QueueEntry[]; result: R }> | { entries?: QueueEntry[]; result: R };

export interface QueueStore {
  /** A consistent read; an empty queue (version 0) when the item does not exist yet. */
  read(): Promise<DeployQueueItem>;
  /**
   * Applies `change` by compare-and-swap on the version it read, re-reading and re-applying when
   * another writer won. Throws a TransitionConflictError after `rounds` lost rounds.
   */
  update<R>(change: QueueChange<R>): Promise<{ result: R; queue: DeployQueueItem }>;
}
