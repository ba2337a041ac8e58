import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { CommitSha } from './build';
import { BranchName, ReplyTo } from './common';

export const DETAIL_TYPE = 'UpdateRefused';
export const SCHEMA_VERSION = 1;

export const UpdateRefusalCode = z.enum([
  /** The environment already runs (or is being updated to) the newest complete build. */
  'no_newer_build',
  /** The branch has no complete build with a head SHA in S3 (ADR 0021's "every artifact newer"). */
  'no_build',
  /** The environment is not READY any more (ended, failed, being terminated). */
  'not_ready',
  /** An update was running: the build follows after it, but `--reseed` cannot wait; ask again. */
  'reseed_not_queued',
]);
export type UpdateRefusalCode = z.infer<typeof UpdateRefusalCode>;

/** A `/deploy update` that the provisioner did not carry out; the notifier answers the request with it. */
export const UpdateRefused = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A requested update in place was not started; the reply says why and which build runs.',
  producers: ['provisioner'],
  consumers: ['notifier'],
  data: z
    .object({
      requestId: Ulid,
      deployId: Ulid,
      branch: BranchName,
      code: UpdateRefusalCode,
      message: z.string().min(1).max(500),
      /** The build the environment runs, when it is known. */
      runningHeadSha: CommitSha.optional(),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type UpdateRefused = z.infer<typeof UpdateRefused.detail>;
