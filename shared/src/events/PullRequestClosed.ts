import * as z from 'zod';
import { defineEvent } from '../envelope';
import { BranchName, IsoDateTime } from './common';

export const DETAIL_TYPE = 'PullRequestClosed';
export const SCHEMA_VERSION = 1;

/** `owner/name` as GitHub spells it in `repository.full_name`. */
export const RepositoryFullName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, 'must be owner/name');

/**
 * A pull request of the configured repository was closed (merged or not), from GitHub's signed
 * `pull_request` webhook. Only pull requests whose head branch lives in that same repository are
 * published: a fork's branch name says nothing about the base repository's branches (ADR 0019).
 * `closedAt` lets the reaper leave alone environments started after the close (an archive replay
 * must not end an environment of a reopened pull request).
 */
export const PullRequestClosed = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: 'A pull request of the configured repository was merged or closed without merging.',
  producers: ['github-ingress'],
  consumers: ['reaper'],
  data: z
    .object({
      repo: RepositoryFullName,
      branch: BranchName,
      prNumber: z.number().int().positive(),
      merged: z.boolean(),
      headSha: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full commit SHA'),
      closedAt: IsoDateTime,
      /** GitHub's `X-GitHub-Delivery` GUID, the key that makes redeliveries do nothing. */
      deliveryId: z.string().min(1).max(100),
    })
    .strict(),
});
export type PullRequestClosed = z.infer<typeof PullRequestClosed.detail>;
