/**
 * What the use case needs from the outside world, in its own terms. Adapters (GitHub, S3, the
 * deployments table) implement these; tests use in-memory versions. No AWS or Octokit types here.
 */

import type { RejectionReason } from '@branch-envs/shared/events/DeployRejected';

/** An open (or, by configuration, closed) pull request as the resolver sees it. */
export interface PullSummary {
  number: number;
  /** The head branch name, verbatim (it may contain `/` and any unicode git allows). */
  branch: string;
  headSha: string;
  title: string;
  /** The pull request's web page. */
  url: string;
  author: string | null;
  updatedAt: string;
  state: 'open' | 'closed';
  draft: boolean;
  /** The head branch lives in a fork; its name says nothing about this repository's builds. */
  fromFork: boolean;
}

export interface PullPage {
  pulls: PullSummary[];
  /** Opaque: the next REST page number or GraphQL cursor; absent on the last page. */
  next?: string;
}

/** A pull request found by GitHub search: search results carry no head branch. */
export interface SearchHit {
  number: number;
  state: 'open' | 'closed';
}

export type SearchResult =
  | { kind: 'hits'; total: number; hits: SearchHit[] }
  | { kind: 'invalid'; message: string };

export interface BranchHead {
  name: string;
  sha: string;
}

/**
 * GitHub for one resolution. Every method is one GitHub call and spends one unit of the resolution's
 * budget (docs/architecture.md §10: at most 2), whether GitHub answers 200 or a free 304.
 */
export interface GithubPort {
  /** `owner/repo`, for messages. */
  readonly repository: string;
  readonly callsLeft: number;
  openPulls(cursor?: string): Promise<PullPage>;
  /** Undefined when there is no such pull request. */
  pull(number: number): Promise<PullSummary | undefined>;
  searchPulls(query: string, perPage: number): Promise<SearchResult>;
  /** Undefined when there is no such branch. */
  branch(name: string): Promise<BranchHead | undefined>;
}

export interface ArtifactObject {
  key: string;
  lastModified: Date;
  sizeBytes: number;
}

export interface ArtifactStore {
  readonly bucket: string;
  /** Undefined when the object does not exist. */
  head(key: string): Promise<ArtifactObject | undefined>;
}

export interface LiveDeployment {
  deployId: string;
  branch: string;
  status: string;
  url?: string;
  expiresAt?: number;
}

export interface DeploymentLookup {
  /** The newest live deployment of `branch`, ignoring `exceptDeployId` (the request being resolved). */
  liveDeploymentOf(branch: string, exceptDeployId: string): Promise<LiveDeployment | undefined>;
  /**
   * Claims `branch` for `deployId` so that of concurrent requests exactly one starts an environment.
   * Returns the live deployment that has the branch instead, if any; undefined means go ahead.
   */
  claimBranch(branch: string, deployId: string): Promise<LiveDeployment | undefined>;
  /** Ends the request's REQUESTED record as REJECTED with this answer (nothing happens if there is none). */
  markRejected(deployId: string, reason: RejectionReason): Promise<void>;
  /** The answer a REJECTED record holds, when an earlier delivery of this request rejected it. */
  priorRejection(deployId: string): Promise<RejectionReason | undefined>;
}
