import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { EnvironmentCost } from '../pricing/cost';
import { BranchName, EpochSeconds, ReplyTo } from './common';

export const DETAIL_TYPE = 'InstanceReady';
export const SCHEMA_VERSION = 2;

/**
 * v2 of InstanceReady: v1 said nothing of what the environment costs (issue 20). v2 carries the rate
 * the provisioner recorded at launch from the stage's price table, and the market it launched on, so
 * the ready message shows "≈ $0.045/h · $0.00 so far" without a price lookup (ADR 0027). `cost` is
 * absent when the table does not price the launch. v1 is still accepted.
 */
export const InstanceReadyV2 = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'The environment answers its health check; users can open the URL. Says what it costs.',
  producers: ['provisioner'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/),
      url: z.url(),
      expiresAt: EpochSeconds,
      detectedBy: z.enum(['probe', 'phone_home']),
      replyTo: ReplyTo,
      cost: EnvironmentCost.optional(),
    })
    .strict(),
});
export type InstanceReadyV2 = z.infer<typeof InstanceReadyV2.detail>;
