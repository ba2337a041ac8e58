import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { CommitSha } from './build';
import { BranchName, ReplyTo } from './common';

export const DETAIL_TYPE = 'UpdateFailed';
export const SCHEMA_VERSION = 1;

export const UpdateFailureReason = z.enum([
  /** The new build never became healthy; the previous build was restored and answers again. */
  'unhealthy_rolled_back',
  /** A new artifact could not be fetched or did not match what S3 described; nothing was changed. */
  'fetch_failed',
  /** The command failed or timed out and the environment does not answer its health check. */
  'environment_down',
  /** SSM could not deliver the command (agent offline, instance gone); nothing was changed. */
  'not_delivered',
]);
export type UpdateFailureReason = z.infer<typeof UpdateFailureReason>;

/** An update in place did not happen; the message says whether the old build still runs. */
export const UpdateFailed = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description:
    'An update in place failed; the environment keeps (or was restored to) its previous build, or is down.',
  producers: ['provisioner'],
  consumers: ['notifier'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/),
      url: z.url(),
      reason: UpdateFailureReason,
      message: z.string().min(1).max(1000),
      /** The build that was tried. */
      headSha: CommitSha,
      /** The build the environment runs now (the one it ran before), when it still runs. */
      runningHeadSha: CommitSha.optional(),
      oldBuildRunning: z.boolean(),
      sequence: z.number().int().positive(),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type UpdateFailed = z.infer<typeof UpdateFailed.detail>;
