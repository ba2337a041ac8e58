import * as z from 'zod';
import { defineEvent, Ulid } from '../envelope';
import { BranchName, Owner, ReplyTo } from './common';

export const DETAIL_TYPE = 'UpdateRequested';
export const SCHEMA_VERSION = 1;

/**
 * `/deploy update <id|branch> [--reseed]` (ADR 0029): the owner or an admin asks for a live
 * environment to be updated in place to the newest complete build of its branch, as a new build
 * would do on its own (ADR 0021). Ingress checks who asks and that the environment is ready; the
 * provisioner's `update` function (not `provision`) finds the build and updates, or refuses.
 */
export const UpdateRequested = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description:
    'A user asked for a live environment to be updated in place to the newest build of its branch, optionally re-seeding its database.',
  producers: ['slack-ingress'],
  consumers: ['provisioner'],
  consumerFunctions: { provisioner: 'update' },
  data: z
    .object({
      requestId: Ulid,
      deployId: Ulid,
      branch: BranchName,
      /** `--reseed`: drop the database and restore it from the branch's dump. */
      reseed: z.boolean(),
      requestedBy: Owner,
      replyTo: ReplyTo,
    })
    .strict(),
});
export type UpdateRequested = z.infer<typeof UpdateRequested.detail>;
