import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArtifactObject, ArtifactStore } from '../domain/ports';
import { ArtifactStoreError } from '../errors';

const errorFacts = (error: unknown): { name?: string; status?: number } => {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    status: typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined,
  };
};

/**
 * HeadObject on the artifact bucket. A missing object is a 404 only because the role may also
 * `s3:ListBucket`; without it S3 answers 403 for a missing key, so 403 here means access denied
 * (not retried), and anything else (throttling, 5xx, network) is retried.
 */
export const createArtifactStore = (client: S3Client, bucket: string): ArtifactStore => ({
  bucket,
  async head(key): Promise<ArtifactObject | undefined> {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        key,
        lastModified: out.LastModified ?? new Date(0),
        sizeBytes: out.ContentLength ?? 0,
      };
    } catch (error) {
      const { name, status } = errorFacts(error);
      if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) return undefined;
      throw new ArtifactStoreError(key, !(name === 'AccessDenied' || status === 403), { cause: error });
    }
  },
});
