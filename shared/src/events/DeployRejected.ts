import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, EpochSeconds, IsoDateTime, LiveDeploymentSummary, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'DeployRejected';
export const SCHEMA_VERSION = 1;

export const BranchCandidate = z
  .object({
    branch: BranchName,
    prNumber: z.number().int().positive().nullable(),
    title: z.string().max(512).nullable(),
    author: z.string().max(100).nullable(),
    updatedAt: IsoDateTime.nullable(),
  })
  .strict();
export type BranchCandidate = z.infer<typeof BranchCandidate>;

/** Why no environment will be launched; each reason carries what the user needs to act on it. */
export const RejectionReason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not_found'), searched: z.string().max(1024) }).strict(),
  z.object({ code: z.literal('ambiguous'), candidates: z.array(BranchCandidate).min(2).max(10) }).strict(),
  z
    .object({
      code: z.literal('artifacts_missing'),
      branch: BranchName,
      missingKeys: z.array(z.string()).min(1),
    })
    .strict(),
  z.object({ code: z.literal('already_running'), existing: LiveDeploymentSummary }).strict(),
  z.object({ code: z.literal('expired_request'), ageSeconds: z.number().int().nonnegative() }).strict(),
  z
    .object({
      code: z.literal('upstream_error'),
      upstream: z.enum(['github', 's3', 'aws']),
      message: z.string().max(500),
      /** When a rate limit resets, so the reply can say when to try again. */
      retryAfter: EpochSeconds.optional(),
    })
    .strict(),
  z
    .object({
      code: z.literal('quota_exceeded'),
      scope: z.enum(['user', 'total']),
      limit: z.number().int().nonnegative(),
      live: z.array(LiveDeploymentSummary),
    })
    .strict(),
]);
export type RejectionReason = z.infer<typeof RejectionReason>;

export const DeployRejected = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A deploy request will not launch anything; the reason says why and what to do.',
  producers: ['branch-resolver', 'provisioner', 'reaper'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      query: z.string().min(1).max(256),
      reason: RejectionReason,
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type DeployRejected = z.infer<typeof DeployRejected.detail>;
