import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, Owner, ReplyTo, SlackUserId } from './common';
import { TerminationReasonV2 } from './InstanceTerminated.v2';

export const DETAIL_TYPE = 'InstanceTerminated';
export const SCHEMA_VERSION = 3;

/** v2's reasons, and the one a Spot interruption gives (issue 20, ADR 0028). */
export const TerminationReasonV3 = z.enum([...TerminationReasonV2.options, 'spot_interrupted']);
export type TerminationReasonV3 = z.infer<typeof TerminationReasonV3>;

/**
 * v3 of InstanceTerminated: AWS reclaimed an environment's Spot capacity (the EC2 "Spot Instance
 * Interruption Warning"), so it ended, and the message offers [Redeploy] on-demand. The new enum
 * value is breaking for v2's strict consumers, hence a new version; v1 and v2 are still produced
 * for their own reasons and still accepted.
 */
export const InstanceTerminatedV3 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A deployment was terminated, and why, including because AWS reclaimed its Spot capacity.',
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
      reason: TerminationReasonV3,
      terminatedBy: SlackUserId.optional(),
      /** The pull request whose end ended it (reasons pr_merged and pr_closed). */
      prNumber: z.number().int().positive().optional(),
      owner: Owner.optional(),
      replyTo: ReplyTo.optional(),
    })
    .strict(),
});
export type InstanceTerminatedV3 = z.infer<typeof InstanceTerminatedV3.detail>;
