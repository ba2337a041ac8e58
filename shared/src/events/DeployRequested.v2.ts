import * as z from 'zod';
import { DeployQuery, MAX_QUERY_LENGTH } from '../deployQuery';
import { defineEvent, Ulid } from '../envelope';
import { Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'DeployRequested';
export const SCHEMA_VERSION = 2;

/**
 * v2 of DeployRequested: v1 plus the query as parsed by slack-ingress, so the resolver reads the
 * structure instead of parsing the text again (ADR 0007). v1 stays accepted until its retirement.
 */
export const DeployRequestedV2 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A user asked for an environment for the branch matching a query, parsed where it was typed.',
  producers: ['slack-ingress'],
  consumers: ['branch-resolver'],
  data: z
    .object({
      deployId: Ulid,
      /** The user's query as typed, for messages: fragment, ticket id, `#42` or `raw:<qualifiers>`. */
      query: z.string().min(1).max(MAX_QUERY_LENGTH),
      /** What `query` asks for: exactly one of `pull`, `raw`, `ticket` or `fragment`. */
      parsedQuery: DeployQuery,
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
export type DeployRequestedV2 = z.infer<typeof DeployRequestedV2.detail>;
