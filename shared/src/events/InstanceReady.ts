import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, EpochSeconds, ReplyTo } from './common';

export const DETAIL_TYPE = 'InstanceReady';
export const SCHEMA_VERSION = 1;

export const InstanceReady = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'The environment answers its health check; users can open the URL.',
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
    })
    .strict(),
});
export type InstanceReady = z.infer<typeof InstanceReady.detail>;
