import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, Owner, ReplyTo, SlackUserId } from './common';
import { TerminationReason } from './InstanceTerminated';

export const DETAIL_TYPE = 'InstanceTerminated';
export const SCHEMA_VERSION = 2;

/** v1's reasons, and the two a pull request's end gives (issue 18). */
export const TerminationReasonV2 = z.enum([...TerminationReason.options, 'pr_merged', 'pr_closed']);
export type TerminationReasonV2 = z.infer<typeof TerminationReasonV2>;

/**
 * v2 of InstanceTerminated: the reaper ends an environment when its pull request is merged or
 * closed, and the message names the pull request ("PR #42 was merged, so its environment ended").
 * New enum values are breaking for the strict notifier, hence a new version; v1 is still produced
 * for every other reason and still accepted.
 */
export const InstanceTerminatedV2 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description:
    'A deployment was terminated, and why, including because its pull request was merged or closed.',
  producers: ['reaper'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName.nullable(),
      instanceId: z
        .string()
        .regex(/^i-[0-9a-f]{8,17}$/)
        .nullable(),
      reason: TerminationReasonV2,
      terminatedBy: SlackUserId.optional(),
      /** The pull request whose end ended it (reasons pr_merged and pr_closed). */
      prNumber: z.number().int().positive().optional(),
      owner: Owner.optional(),
      replyTo: ReplyTo.optional(),
    })
    .strict(),
});
export type InstanceTerminatedV2 = z.infer<typeof InstanceTerminatedV2.detail>;
