import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { ReplyTo } from './common';

export const DETAIL_TYPE = 'RequestRefused';
export const SCHEMA_VERSION = 1;

/**
 * The reaper refused a terminate or extend request (ownership, unknown target, already ended).
 * Refusals are never silent: the notifier turns this into a reply.
 */
export const RequestRefused = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A terminate or extend request was refused; the reply says why.',
  producers: ['reaper'],
  consumers: ['notifier'],
  data: z
    .object({
      requestId: Ulid,
      request: z.enum(['terminate', 'extend']),
      code: z.enum(['not_owner', 'admin_only', 'not_found', 'not_live']),
      message: z.string().min(1).max(500),
      deployId: Ulid.optional(),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type RequestRefused = z.infer<typeof RequestRefused.detail>;
