import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'TerminateRequested';
export const SCHEMA_VERSION = 1;

export const TerminateTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deploy'), deployId: Ulid }).strict(),
  z.object({ kind: z.literal('branch'), branch: BranchName }).strict(),
  z.object({ kind: z.literal('mine') }).strict(),
  z.object({ kind: z.literal('all') }).strict(),
]);
export type TerminateTarget = z.infer<typeof TerminateTarget>;

/**
 * A user asked to end environments. The reaper enforces ownership; ingress only pre-checks it for
 * fast feedback, so `requestedBy` is who asked, not a proof of permission.
 */
export const TerminateRequested = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A user asked to end one deployment, a branch, their own, or (admins) all.',
  producers: ['slack-ingress'],
  consumers: ['reaper'],
  data: z
    .object({
      requestId: Ulid,
      target: TerminateTarget,
      requestedBy: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type TerminateRequested = z.infer<typeof TerminateRequested.detail>;
