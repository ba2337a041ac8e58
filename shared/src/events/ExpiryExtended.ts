import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, EpochSeconds, ReplyTo } from './common';

export const DETAIL_TYPE = 'ExpiryExtended';
export const SCHEMA_VERSION = 1;

/** The reaper moved a deployment's expiry (and/or set keepOvernight); the user hears the new time. */
export const ExpiryExtended = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'An extend request was applied; carries the new expiry and whether the cap was hit.',
  producers: ['reaper'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      expiresAt: EpochSeconds,
      keepOvernight: z.boolean(),
      capped: z.boolean(),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type ExpiryExtended = z.infer<typeof ExpiryExtended.detail>;
