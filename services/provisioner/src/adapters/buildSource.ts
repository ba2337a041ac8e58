import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BuildArtifact } from '@branch-envs/shared/events/build';
import { CommitSha } from '@branch-envs/shared/events/build';
import type { ArtifactSpec } from '../domain/ports';
import { buildOf } from '../domain/update/builds';
import type { BuildSource } from '../domain/update/ports';
import { artifactKeysOf } from '../domain/update/updateInput';

/**
 * The S3 user metadata CI writes on every artifact of a build (`x-amz-meta-head-sha`): the commit
 * it was built from. ADR 0021 says why the build says it, rather than GitHub's branch head.
 */
export const HEAD_SHA_METADATA = 'head-sha';

const isMissing = (error: unknown): boolean => {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/** HeadObject on every artifact key of the branch: the build as S3 has it now, or why it is not whole. */
export const createBuildSource = (
  s3: S3Client,
  config: { bucket: string; app: string; artifacts: readonly ArtifactSpec[] },
): BuildSource => ({
  async current(branch) {
    const keys = artifactKeysOf(config.artifacts, config.app, branch);
    const heads = await Promise.all(
      keys.map(async (key) => {
        try {
          return { key, head: await s3.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key })) };
        } catch (error) {
          if (isMissing(error)) return { key, head: undefined };
          throw error;
        }
      }),
    );
    const missing = heads.filter((h) => !h.head).map((h) => h.key);
    if (missing.length > 0) return { kind: 'incomplete', why: `missing ${missing.join(', ')}` };
    const shas = new Set(heads.map((h) => h.head?.Metadata?.[HEAD_SHA_METADATA] ?? ''));
    const [sha] = [...shas];
    if (shas.size !== 1 || !CommitSha.safeParse(sha).success)
      return {
        kind: 'incomplete',
        why: `the artifacts do not name one head SHA (${HEAD_SHA_METADATA} metadata)`,
      };
    const artifacts: BuildArtifact[] = heads.map(({ key, head }) => ({
      key,
      lastModified: (head?.LastModified ?? new Date(0)).toISOString(),
      sizeBytes: head?.ContentLength ?? 0,
      ...(head?.ETag ? { eTag: head.ETag.replaceAll('"', '') } : {}),
      ...(head?.VersionId && head.VersionId !== 'null' ? { versionId: head.VersionId } : {}),
    }));
    return { kind: 'complete', build: buildOf(sha as string, artifacts) };
  },
});
