import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { CommitSha } from './build';
import { BranchName, IsoDateTime, ReplyTo } from './common';

export const DETAIL_TYPE = 'InstanceUpdated';
export const SCHEMA_VERSION = 1;

/** The environment runs a newer build of its branch on the same instance, and answers its health check. */
export const InstanceUpdated = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A live environment was updated in place to a newer build of its branch and is healthy.',
  producers: ['provisioner'],
  consumers: ['notifier'],
  data: z
    .object({
      deployId: Ulid,
      branch: BranchName,
      instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/),
      url: z.url(),
      headSha: CommitSha,
      previousHeadSha: CommitSha.optional(),
      /** When the new build finished landing (its newest artifact's LastModified). */
      builtAt: IsoDateTime,
      reseeded: z.boolean(),
      /** How many updates this environment has had, this one included: orders the messages. */
      sequence: z.number().int().positive(),
      replyTo: ReplyTo,
    })
    .strict(),
});
export type InstanceUpdated = z.infer<typeof InstanceUpdated.detail>;
