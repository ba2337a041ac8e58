import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, Owner, ReplyTo, SlackUserId } from './common';

export const DETAIL_TYPE = 'InstanceTerminated';
export const SCHEMA_VERSION = 1;

export const TerminationReason = z.enum([
  'ttl',
  'nightly',
  'user',
  'admin',
  'orphan',
  'failed',
  'instance_gone',
]);
export type TerminationReason = z.infer<typeof TerminationReason>;

/**
 * A deployment ended, or an orphan instance was removed. Orphans have no record, hence no owner or
 * reply address; `deployId` is then the instance's DeployId tag when it has a valid one.
 */
export const InstanceTerminated = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A deployment (or an orphan instance) was terminated, and why.',
  producers: ['reaper', 'provisioner'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName.nullable(),
      instanceId: z
        .string()
        .regex(/^i-[0-9a-f]{8,17}$/)
        .nullable(),
      reason: TerminationReason,
      terminatedBy: SlackUserId.optional(),
      owner: Owner.optional(),
      replyTo: ReplyTo.optional(),
    })
    .strict(),
});
export type InstanceTerminated = z.infer<typeof InstanceTerminated.detail>;
