import * as z from 'zod';
import { DeployQuery, MAX_QUERY_LENGTH } from '../deployQuery';
import { defineEvent, Ulid } from '../envelope';
import { Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'DeployRequested';
export const SCHEMA_VERSION = 3;

/**
 * v3 of DeployRequested: v2 plus two optional choices the REQUESTED record also carries (the
 * services read the record; the event says it for the archive and replays):
 * - `capacity`, the market chosen with `--spot` or `--on-demand` (ADR 0027); absent: the stage's
 *   `instances.capacity`;
 * - `follow`, false after `--no-follow`: no in-place updates on a new build (ADR 0021); absent: the
 *   stage's `instances.followBuilds`.
 * v1 and v2 stay accepted.
 */
export const DeployRequestedV3 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description:
    'A user asked for an environment for the branch matching a query, parsed where it was typed, optionally on Spot or on-demand and whether it follows new builds.',
  // The reaper re-publishes a queued request when a slot frees, with what it was refused with (ADR 0031).
  producers: ['slack-ingress', 'reaper'],
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
      /** `--spot` or `--on-demand`; absent: the stage's default capacity. */
      capacity: z.enum(['spot', 'on-demand']).optional(),
      /** False after `--no-follow`; absent: the stage's `followBuilds`. */
      follow: z.boolean().optional(),
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type DeployRequestedV3 = z.infer<typeof DeployRequestedV3.detail>;
