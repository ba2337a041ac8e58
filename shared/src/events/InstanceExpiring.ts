import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, EpochSeconds, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'InstanceExpiring';
export const SCHEMA_VERSION = 1;

/**
 * Sent once per expiry, a configured time before it, so the owner can press Extend. Superseded by v2
 * (which also warns before the nightly shutdown); still accepted while a v1 may arrive (archive replays).
 */
export const InstanceExpiring = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A deployment will be terminated soon unless someone extends it.',
  producers: [],
  consumers: ['notifier'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      url: z.url().optional(),
      expiresAt: EpochSeconds,
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type InstanceExpiring = z.infer<typeof InstanceExpiring.detail>;
