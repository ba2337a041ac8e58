import { parseDeployQuery, type QueryParse } from '@branch-envs/shared/deployQuery';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import type { RejectionReason } from '@branch-envs/shared/events/DeployRejected';
import type { DeployRequested } from '@branch-envs/shared/events/DeployRequested';
import type { DeployRequestedV2 } from '@branch-envs/shared/events/DeployRequested.v2';
import type { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { type ArtifactCheck, artifactKeysFor, checkArtifacts } from './artifacts';
import type { ArtifactStore, DeploymentLookup, GithubPort } from './ports';
import { type BranchMatch, type ResolutionRules, resolveBranch } from './resolveBranch';

export type Outcome =
  | { kind: 'resolved'; data: BranchResolved['data'] }
  | { kind: 'rejected'; reason: RejectionReason };

/** The resolution rules and artifact layout, from config. */
export interface ResolverSettings extends ResolutionRules {
  owner: string;
  repo: string;
  maxRequestAgeSeconds: number;
  artifactBucket: string;
  /** e.g. `build-artifacts/{app}-{branch}.jar`; see {@link artifactKeysFor}. */
  artifactKeyTemplates: readonly string[];
  appName: string;
}

export interface ResolveRequestDeps {
  github: GithubPort;
  artifacts: ArtifactStore;
  deployments: DeploymentLookup;
  settings: ResolverSettings;
}

export interface DeployRequest {
  /** Either supported version: v2 carries the parsed query, a v1 `query` is parsed here. */
  data: DeployRequested['data'] | DeployRequestedV2['data'] | DeployRequestedV3['data'];
  /** When the user asked: the DeployRequested's `metadata.occurredAt`. */
  requestedAt: string;
  now: Date;
}

const rejected = (reason: RejectionReason): Outcome => ({ kind: 'rejected', reason });

/** Seconds since the user asked; a clock skewed into the future counts as zero. */
export const requestAgeSeconds = (requestedAt: string, now: Date): number =>
  Math.max(0, Math.floor((now.getTime() - Date.parse(requestedAt)) / 1000));

/** What a request asks for: v2 carries it parsed, a v1 text is read with the same shared parser. */
const parsedQueryOf = (data: DeployRequest['data']): QueryParse =>
  'parsedQuery' in data ? { ok: true, query: data.parsedQuery } : parseDeployQuery(data.query);

/** A v1 query the grammar refuses was never sent by slack-ingress, which checks it first. */
const unreadable = (query: string): RejectionReason => ({
  code: 'not_found',
  searched: `nothing: "${query}" is not a branch fragment, ticket id, #PR or raw: search`.slice(0, 1024),
});

const resolvedData = (
  data: DeployRequest['data'],
  match: BranchMatch,
  check: Extract<ArtifactCheck, { kind: 'complete' }>,
  artifactBucket: string,
): BranchResolved['data'] => ({
  deployId: data.deployId,
  query: data.query,
  branch: match.branch,
  headSha: match.headSha,
  prNumber: match.pull?.number ?? null,
  prTitle: match.pull?.title.slice(0, 512) ?? null,
  prUrl: match.pull?.url ?? null,
  author: match.pull?.author?.slice(0, 100) ?? null,
  artifactBucket,
  artifacts: check.artifacts.map((a) => ({
    key: a.key,
    lastModified: a.lastModified.toISOString(),
    sizeBytes: a.sizeBytes,
  })),
  buildLastModified: check.buildLastModified.toISOString(),
  ttlSeconds: data.ttlSeconds,
  owner: data.owner,
  replyTo: data.replyTo,
});

/**
 * The branch-resolver use case (docs/architecture.md §2): from a DeployRequested to BranchResolved or the reason
 * nothing will launch. Cheap checks come first: the request's age (an archive replay of an old
 * request launches nothing), then GitHub, then the deployments table, then S3.
 */
export const resolveRequest = async (deps: ResolveRequestDeps, request: DeployRequest): Promise<Outcome> => {
  const { data, requestedAt, now } = request;
  const { settings } = deps;
  const ageSeconds = requestAgeSeconds(requestedAt, now);
  if (ageSeconds > settings.maxRequestAgeSeconds) return rejected({ code: 'expired_request', ageSeconds });
  const parsed = parsedQueryOf(data);
  if (!parsed.ok) return rejected(unreadable(data.query));

  const resolution = await resolveBranch(parsed.query, deps.github, settings);
  if (resolution.kind === 'not_found') {
    return rejected({ code: 'not_found', searched: resolution.searched.slice(0, 1024) });
  }
  if (resolution.kind === 'ambiguous')
    return rejected({ code: 'ambiguous', candidates: resolution.candidates });
  const { match } = resolution;

  if (!data.fresh) {
    const existing = await deps.deployments.claimBranch(match.branch, data.deployId);
    if (existing) return rejected({ code: 'already_running', existing });
  }

  const keys = artifactKeysFor(settings.artifactKeyTemplates, settings.appName, match.branch);
  const check = await checkArtifacts(deps.artifacts, keys);
  if (check.kind === 'missing') {
    return rejected({ code: 'artifacts_missing', branch: match.branch, missingKeys: check.missingKeys });
  }
  return { kind: 'resolved', data: resolvedData(data, match, check, deps.artifacts.bucket) };
};
