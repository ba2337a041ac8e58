import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, ReplyTo } from './common';

export const DETAIL_TYPE = 'DeployFailed';
export const SCHEMA_VERSION = 1;

export const FailureReason = z.enum([
  'invalid_branch',
  'user_data_too_large',
  'launch_error',
  'boot_timeout',
  'instance_stopped',
  /** The instance itself reported (phone-home) that a boot step failed; the message names the step. */
  'boot_failed',
  'config_error',
]);
export type FailureReason = z.infer<typeof FailureReason>;

export const DeployFailed = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'The launch or the boot failed; the message names what to fix and hints help debugging.',
  producers: ['provisioner'],
  consumers: ['notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      reason: FailureReason,
      message: z.string().min(1).max(1000),
      instanceId: z
        .string()
        .regex(/^i-[0-9a-f]{8,17}$/)
        .optional(),
      /** Where to look next, e.g. the GetConsoleOutput command or an SSM Session Manager link. */
      hints: z.array(z.string().max(500)).max(5),
      /** Whether the failed instance was kept for debugging (`keepFailedInstances`). */
      instanceKept: z.boolean(),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type DeployFailed = z.infer<typeof DeployFailed.detail>;
