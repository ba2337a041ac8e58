import {
  endedEventData,
  markEnded,
  type QueueEntry,
  waitingOf,
  withoutAnnounced,
} from '@branch-envs/shared/deployments/deployQueue';
import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import type { RequestContext } from './ports';

/**
 * `/terminate mine` and `all` end queued requests too (only the waiting ones; started ones are
 * deployments by then), and each owner is told where they pressed [Queue me] (ADR 0031). The entries
 * are marked ended first, then announced, then removed: if this request dies in between, the reaper's
 * next pass announces (the eventId is derived from the entry, so the notifier drops a copy) and
 * removes them. Returns how many were cancelled.
 */
export const cancelQueuedFor = async (scope: 'mine' | 'all', ctx: RequestContext): Promise<number> => {
  const { queue } = ctx.ports;
  if (!queue) return 0;
  const { userId } = ctx.actor;
  const matches = (entry: QueueEntry) => scope === 'all' || entry.owner.userId === userId;
  const at = ctx.ports.now();
  const { result: ending } = await queue.update(({ entries }) => {
    const cancelled = waitingOf(entries).filter(matches);
    if (cancelled.length === 0) return { result: [] as QueueEntry[] };
    const next = markEnded(entries, cancelled, (entry) => ({
      reason: entry.owner.userId === userId ? 'cancelled_by_user' : 'cancelled_by_admin',
      at,
      by: userId,
    }));
    return { entries: next, result: next.filter((e) => cancelled.some((c) => c.entryId === e.entryId)) };
  });
  if (ending.length === 0) return 0;
  await ctx.ports.publisher.publish(
    ending.map((entry) => ({
      contract: QueuedDeployEnded,
      data: endedEventData(entry),
      cause: { eventId: entry.entryId, correlationId: entry.entryId },
    })),
  );
  await queue.update(({ entries }) => ({ entries: withoutAnnounced(entries, ending), result: undefined }));
  return ending.length;
};
