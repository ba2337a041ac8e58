import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'DeployRequested';
export const SCHEMA_VERSION = 1;

/** A user asked for an environment (`/deploy <query> [for <duration>]` or a candidate button). */
export const DeployRequested = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A user asked for an environment for the branch matching a query.',
  // Ingress now sends v2 (ADR 0007); v1 stays declared until it is retired.
  producers: ['slack-ingress'],
  consumers: ['branch-resolver'],
  data: z
    .object({
      deployId: Ulid,
      /** The user's query as typed: fragment, ticket id, `#42` or `raw:<qualifiers>`. */
      query: z.string().min(1).max(256),
      /** Time to live after the instance is up, already capped at the configured maximum. */
      ttlSeconds: z.number().int().positive(),
      ttlCapped: z.boolean(),
      /** True when the user asked for a new environment even if the branch already runs. */
      fresh: z.boolean(),
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type DeployRequested = z.infer<typeof DeployRequested.detail>;
