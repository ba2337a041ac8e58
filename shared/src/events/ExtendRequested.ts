import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { DeploymentTarget, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'ExtendRequested';
export const SCHEMA_VERSION = 1;

/** A user asked to push a deployment's expiry out, or to keep it over the nightly shutdown. */
export const ExtendRequested = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A user asked to push the expiry out by a duration, or to keep the environment overnight.',
  producers: ['slack-ingress'],
  consumers: ['reaper'],
  data: z
    .object({
      requestId: Ulid,
      target: DeploymentTarget,
      extension: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('duration'), seconds: z.number().int().positive() }).strict(),
        z.object({ kind: z.literal('overnight') }).strict(),
      ]),
      requestedBy: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type ExtendRequested = z.infer<typeof ExtendRequested.detail>;
