import { Ulid } from '@branch-envs/shared/envelope';
import { IsoDateTime } from '@branch-envs/shared/events/common';
import * as z from 'zod';

/** The delayed check of a running update, on the provisioner's updates queue. */
export const UpdateCheckMessage = z
  .object({
    kind: z.literal('update-check'),
    deployId: Ulid,
    sequence: z.number().int().positive(),
    attempt: z.number().int().positive(),
    deadline: IsoDateTime,
  })
  .strict();

/**
 * What S3 sends EventBridge for a new object (Amazon S3 User Guide, "EventBridge event message
 * structure"): only the fields the update reads; the rest passes.
 */
export const ObjectCreatedEvent = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(3).max(63) }),
    object: z.object({ key: z.string().min(1).max(1024) }),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEvent>;
