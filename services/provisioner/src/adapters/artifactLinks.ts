import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ArtifactLinks } from '../domain/ports';

export type ArtifactUrlMode = { mode: 'presigned'; expirySeconds: number } | { mode: 's3' };

/**
 * How an instance downloads its artifacts. Without an instance profile it gets pre-signed GET
 * URLs, valid for `expirySeconds` (long enough for a slow boot, short enough to be useless soon
 * after); signing happens here, offline, with the provisioner's own `s3:GetObject` on the artifact
 * prefix. With an instance profile (mode `s3`) it gets `s3://` URIs and its own role reads them.
 */
export const createArtifactLinks = (s3: S3Client, setting: ArtifactUrlMode): ArtifactLinks => ({
  async linkFor(bucket, key) {
    if (setting.mode === 's3') return `s3://${bucket}/${key}`;
    return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: setting.expirySeconds,
    });
  },
});
