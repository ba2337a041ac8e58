import * as z from 'zod';
import { DeployQuery, MAX_QUERY_LENGTH } from '../deployQuery';
import { defineEvent, Ulid } from '../envelope';
import { Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'DeployRequested';
export const SCHEMA_VERSION = 3;

/**
 * v3 of DeployRequested: v2 plus `follow`, whether the environment updates in place when a newer
 * build of its branch lands (issue 18, ADR 0021). v1 and v2 stay accepted; they mean "follow as the
 * stage config's `followBuilds` says", which the REQUESTED record already holds.
 */
export const DeployRequestedV3 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description:
    'A user asked for an environment for the branch matching a query, parsed where it was typed, and said whether it follows new builds.',
  producers: ['slack-ingress'],
  consumers: ['branch-resolver'],
  data: z
    .object({
      deployId: Ulid,
      query: z.string().min(1).max(MAX_QUERY_LENGTH),
      parsedQuery: DeployQuery,
      ttlSeconds: z.number().int().positive(),
      ttlCapped: z.boolean(),
      fresh: z.boolean(),
      /** False after `--no-follow` (or when the stage's `followBuilds` is off): no automatic updates. */
      follow: z.boolean(),
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type DeployRequestedV3 = z.infer<typeof DeployRequestedV3.detail>;
