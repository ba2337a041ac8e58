import * as z from 'zod';
import { BranchName, IsoDateTime } from './events/common';

/**
 * The branch-resolver's last listing of open pull requests, as the Deploy form's type-ahead reads it
 * (ADR 0026). Slack gives an options request 3 s, so the form reads this one item and never GitHub.
 * It is one item of the resolver's cache table under a key of its own (never a GET's cache key, which
 * would need the GitHub token to compute); the resolver rewrites it each time it reads the first page
 * of open pull requests.
 */
export const OPEN_BRANCHES_KEY = 'snapshot open-pulls';

export const OpenBranch = z.object({
  branch: BranchName,
  prNumber: z.number().int().positive(),
  title: z.string().max(300),
  author: z.string().nullable(),
});
export type OpenBranch = z.infer<typeof OpenBranch>;

export const OpenBranchesSnapshot = z.object({
  listedAt: IsoDateTime,
  branches: z.array(OpenBranch).max(100),
});
export type OpenBranchesSnapshot = z.infer<typeof OpenBranchesSnapshot>;
