import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';

/**
 * An artifact carrying this marker, as S3 metadata (`x-amz-meta-branch-envs-simulator`) or in its
 * content, is a build whose app crashes on start: the simulated instance never becomes healthy on it.
 */
export const CRASH_MARKER = { metadata: 'branch-envs-simulator', value: 'crash-on-start' } as const;
export const CRASH_CONTENT_MARKER = `${CRASH_MARKER.metadata}: ${CRASH_MARKER.value}`;

/** The S3 metadata CI writes on every artifact (`x-amz-meta-head-sha`, ADR 0021). */
export const HEAD_SHA_METADATA = 'head-sha';

/** What a simulated instance runs: the build's head SHA (when its artifacts name one) and whether it crashes. */
export interface SimulatedBuild {
  headSha: string | null;
  broken: boolean;
}

/** The provisioner's UpdateInput, version 1, as branch-envs-update.sh reads it. */
export const UpdateInput = z.object({
  version: z.literal(1),
  deployId: z.string(),
  sequence: z.number(),
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  reseed: z.boolean(),
  artifacts: z
    .array(
      z.object({ name: z.string(), url: z.string(), sizeBytes: z.number(), eTag: z.string().optional() }),
    )
    .min(1),
});
export type UpdateInput = z.infer<typeof UpdateInput>;

/** Decodes the document's one parameter; undefined when it is not a valid version 1 input (exit 2). */
export const decodeUpdateInput = (encoded: string | undefined): UpdateInput | undefined => {
  if (!encoded || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  try {
    const parsed = UpdateInput.safeParse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

export interface FetchedArtifact {
  body: Buffer;
  metadata: Record<string, string>;
}

const s3Location = (url: string): { bucket: string; key: string } | undefined => {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
};

const metadataOfHeaders = (headers: Headers): Record<string, string> => {
  const metadata: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  });
  return metadata;
};

/** Downloads an artifact as fetch-artifacts.sh does: `s3://` with the instance's role, or a pre-signed URL. */
export const fetchArtifact = async (
  s3: S3Client,
  url: string,
  signal?: AbortSignal,
): Promise<FetchedArtifact> => {
  const location = s3Location(url);
  if (location) {
    const out = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
      abortSignal: signal,
    });
    return {
      body: Buffer.from((await out.Body?.transformToByteArray()) ?? []),
      metadata: out.Metadata ?? {},
    };
  }
  const response = await fetch(url, { signal: signal ?? null });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return { body: Buffer.from(await response.arrayBuffer()), metadata: metadataOfHeaders(response.headers) };
};

/** Size, then (for a single-part ETag) MD5, as the script verifies; the reason it fails, or undefined. */
export const verifyArtifact = (
  name: string,
  artifact: FetchedArtifact,
  expected: { sizeBytes: number; eTag?: string | undefined },
): string | undefined => {
  if (artifact.body.length !== expected.sizeBytes)
    return `artifact ${name}: ${artifact.body.length} bytes, S3 says ${expected.sizeBytes}`;
  const eTag = expected.eTag?.replaceAll('"', '');
  if (eTag && /^[0-9a-f]{32}$/.test(eTag) && createHash('md5').update(artifact.body).digest('hex') !== eTag)
    return `artifact ${name}: MD5 differs from its ETag`;
  return undefined;
};

export const isCrashing = (artifact: FetchedArtifact): boolean =>
  artifact.metadata[CRASH_MARKER.metadata] === CRASH_MARKER.value ||
  artifact.body.includes(CRASH_CONTENT_MARKER);

/**
 * The build a booting instance runs, from its deploy.json's artifacts: the head SHA CI wrote on them
 * and the crash marker in their metadata. Read with HeadObject for `s3://` links; best effort.
 */
export const bootBuildOf = async (
  s3: S3Client,
  document: Record<string, unknown> | undefined,
): Promise<SimulatedBuild> => {
  const artifacts = Array.isArray(document?.artifacts) ? (document.artifacts as { url?: unknown }[]) : [];
  const metadata = await Promise.all(
    artifacts.map(async ({ url }) => {
      const location = typeof url === 'string' ? s3Location(url) : undefined;
      if (!location) return {};
      const head = await s3
        .send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }))
        .catch(() => undefined);
      return head?.Metadata ?? {};
    }),
  );
  return {
    headSha: metadata.map((m) => m[HEAD_SHA_METADATA]).find((sha) => sha !== undefined) ?? null,
    broken: metadata.some((m) => m[CRASH_MARKER.metadata] === CRASH_MARKER.value),
  };
};
