import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, EpochSeconds, ReplyTo } from './common';

export const DETAIL_TYPE = 'InstanceLaunched';
export const SCHEMA_VERSION = 1;

export const InstanceLaunched = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'RunInstances succeeded and the deployment record owns the instance.',
  producers: ['provisioner'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/),
      instanceType: z.string().min(1).max(64),
      availabilityZone: z.string().max(64).optional(),
      expiresAt: EpochSeconds,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type InstanceLaunched = z.infer<typeof InstanceLaunched.detail>;
