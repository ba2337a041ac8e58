import { S3Client } from '@aws-sdk/client-s3';
import { createArtifactLinks } from '../../src/adapters/artifactLinks';

const s3 = new S3Client({
  region: 'eu-north-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

describe('artifact links', () => {
  it('signs a short-lived https GET URL, offline, when the instance has no role of its own', async () => {
    // Prepare
    const links = createArtifactLinks(s3, { mode: 'presigned', expirySeconds: 900 });

    // Act
    const url = new URL(await links.linkFor('acme-build-artifacts', 'build-artifacts/shop-feature/x.jar'));

    // Assess
    expect(url.protocol).toBe('https:');
    expect(url.pathname).toContain('build-artifacts/shop-feature/x.jar');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hands out an s3:// URI when the instance reads with its own profile', async () => {
    // Prepare
    const links = createArtifactLinks(s3, { mode: 's3' });

    // Act + Assess
    await expect(links.linkFor('acme-build-artifacts', 'build-artifacts/a.jar')).resolves.toBe(
      's3://acme-build-artifacts/build-artifacts/a.jar',
    );
  });
});
