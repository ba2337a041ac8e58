import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, IsoDateTime, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'BranchResolved';
export const SCHEMA_VERSION = 1;

export const ResolvedArtifact = z
  .object({
    /** The S3 key that HeadObject found. */
    key: z.string().min(1).max(1024),
    lastModified: IsoDateTime,
    sizeBytes: z.number().int().nonnegative(),
  })
  .strict();

/** The query matched exactly one branch, and its build artifacts exist. */
export const BranchResolved = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'The query resolved to exactly one branch whose build artifacts all exist.',
  producers: ['branch-resolver'],
  consumers: ['provisioner', 'notifier', 'slack-ingress'],
  data: z
    .object({
      deployId: Ulid,
      query: z.string().min(1).max(256),
      branch: BranchName,
      headSha: z.string().regex(/^[0-9a-f]{40}$/),
      /** Null when the branch was found by exact name without an open PR (if config allows it). */
      prNumber: z.number().int().positive().nullable(),
      prTitle: z.string().max(512).nullable(),
      prUrl: z.url().nullable(),
      author: z.string().max(100).nullable(),
      artifactBucket: z.string().min(3).max(63),
      artifacts: z.array(ResolvedArtifact).min(1),
      /** The oldest artifact's LastModified: how old the build the user will get is. */
      buildLastModified: IsoDateTime,
      ttlSeconds: z.number().int().positive(),
      owner: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type BranchResolved = z.infer<typeof BranchResolved.detail>;
