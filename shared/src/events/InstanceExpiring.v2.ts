import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, EpochSeconds, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'InstanceExpiring';
export const SCHEMA_VERSION = 2;

/** What will end the environment: its expiry (the TTL sweep) or the nightly shutdown. */
export const ExpiryReason = z.enum(['ttl', 'nightly']);
export type ExpiryReason = z.infer<typeof ExpiryReason>;

/**
 * v2 of InstanceExpiring: v1 warned only before the expiry; the nightly shutdown ended environments
 * without a word (issue 15). v2 says which of the two ends it and when, so the owner can press
 * [Keep overnight] or [Extend]. Sent once per end time (ADR 0012); v1 is still accepted.
 */
export const InstanceExpiringV2 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description:
    'A deployment will be terminated soon, by its expiry or by the nightly shutdown, unless someone extends or keeps it.',
  producers: ['reaper'],
  consumers: ['notifier'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      url: z.url().optional(),
      /** When it will be ended: the earlier of its expiry and the nightly run that ends it. */
      endsAt: EpochSeconds,
      reason: ExpiryReason,
      /** Its own expiry, which is later than `endsAt` when the nightly run ends it first. */
      expiresAt: EpochSeconds,
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type InstanceExpiringV2 = z.infer<typeof InstanceExpiringV2.detail>;
