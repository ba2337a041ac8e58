import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import type { Build, BuildArtifact } from '@branch-envs/shared/events/build';

const newest = (artifacts: readonly Pick<BuildArtifact, 'lastModified'>[]): string =>
  artifacts.reduce(
    (max, a) => (Date.parse(a.lastModified) > Date.parse(max) ? a.lastModified : max),
    artifacts[0]?.lastModified ?? new Date(0).toISOString(),
  );

/** What a fresh launch runs: BranchResolved's artifacts and head SHA, stored with the launch claim. */
export const launchedBuild = (data: BranchResolved['data']): Build => ({
  headSha: data.headSha,
  artifacts: data.artifacts.map((a) => ({
    key: a.key,
    lastModified: a.lastModified,
    sizeBytes: a.sizeBytes,
  })),
  builtAt: newest(data.artifacts),
});

/** A build from its artifacts as S3 describes them now; `builtAt` is when its last artifact landed. */
export const buildOf = (headSha: string, artifacts: readonly BuildArtifact[]): Build => ({
  headSha,
  artifacts: [...artifacts],
  builtAt: newest(artifacts),
});

/**
 * Whether `candidate` replaces `running` (issue 18): every artifact the environment runs has a
 * strictly newer object in the candidate. A half-uploaded build (the jar new, the dump still old)
 * is not newer, so an environment never runs a mix of two builds; the last upload completes it.
 * The candidate holds every artifact the instance receives (the profile's, with a destination);
 * the launch recorded every artifact the branch resolver checked, which may include one without a
 * destination (a config only CI and the resolver read), and that one is not compared.
 * An environment launched before builds were recorded has nothing to compare, so any build is newer.
 */
export const isNewerBuild = (candidate: Build, running: Build | undefined): boolean => {
  if (!running) return true;
  const offered = new Map(candidate.artifacts.map((a) => [a.key, Date.parse(a.lastModified)]));
  const compared = running.artifacts.filter((a) => offered.has(a.key));
  return compared.length > 0 && compared.every((a) => (offered.get(a.key) ?? 0) > Date.parse(a.lastModified));
};

/** The short SHA messages show. */
export const shortSha = (sha: string): string => sha.slice(0, 7);
