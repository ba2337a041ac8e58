import * as z from 'zod';
import { MAX_QUERY_LENGTH } from '../deployQuery';
import { defineEvent, Ulid } from '../envelope';
import { IsoDateTime, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'QueuedDeployStarted';
export const SCHEMA_VERSION = 1;

/**
 * A slot freed and the reaper gave it to a queued request (ADR 0025, 0031): `deployId` is the
 * deployment it now runs as, `replyTo` the conversation where [Queue me] was pressed. The eventId is
 * derived from the entry, so a pass that is retried or finished by the next one tells the user once.
 */
export const QueuedDeployStarted = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A queued deploy request was given a freed slot and starts as a deployment of its own.',
  producers: ['reaper'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      /** The queue entry: the deployId of the request that was refused over a quota. */
      entryId: Ulid,
      deployId: Ulid,
      query: z.string().min(1).max(MAX_QUERY_LENGTH),
      owner: Owner,
      replyTo: ReplyTo,
      enqueuedAt: IsoDateTime,
      startedAt: IsoDateTime,
    })
    .strict(),
});
export type QueuedDeployStarted = z.infer<typeof QueuedDeployStarted.detail>;
