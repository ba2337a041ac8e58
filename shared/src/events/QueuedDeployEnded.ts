import * as z from 'zod';
import { MAX_QUERY_LENGTH } from '../deployQuery';
import { defineEvent, Ulid } from '../envelope';
import { EpochSeconds, IsoDateTime, Owner, ReplyTo, SlackUserId } from './common';

export const DETAIL_TYPE = 'QueuedDeployEnded';
export const SCHEMA_VERSION = 1;

/**
 * Why a queued request left the queue without starting:
 * - `expired`: no slot freed before its `expiresAt` (`queue.maxWaitMinutes` after [Queue me]);
 * - `cancelled_nightly`: the nightly shutdown cancels every waiting request;
 * - `cancelled_by_user`: its owner typed `/terminate mine` (or `all`);
 * - `cancelled_by_admin`: an admin typed `/terminate all`.
 */
export const QueueEndReason = z.enum([
  'expired',
  'cancelled_nightly',
  'cancelled_by_user',
  'cancelled_by_admin',
]);
export type QueueEndReason = z.infer<typeof QueueEndReason>;

/**
 * A queued request left the queue and nothing was launched for it (ADR 0031). The eventId is derived
 * from the entry (an entry ends once), so a retried pass or handler tells the user once.
 */
export const QueuedDeployEnded = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A queued deploy request expired or was cancelled before a slot freed; nothing was launched.',
  producers: ['reaper', 'slack-ingress'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      /** The queue entry: the deployId of the request that was refused over a quota. */
      entryId: Ulid,
      query: z.string().min(1).max(MAX_QUERY_LENGTH),
      owner: Owner,
      /** Where [Queue me] was pressed: the conversation the user is told in. */
      replyTo: ReplyTo,
      reason: QueueEndReason,
      enqueuedAt: IsoDateTime,
      /** When it would have stopped waiting. */
      expiresAt: EpochSeconds,
      endedAt: IsoDateTime,
      /** Who cancelled it (`cancelled_by_user`, `cancelled_by_admin`). */
      cancelledBy: SlackUserId.optional(),
    })
    .strict(),
});
export type QueuedDeployEnded = z.infer<typeof QueuedDeployEnded.detail>;
