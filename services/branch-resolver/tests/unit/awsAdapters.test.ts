import { HeadObjectCommand, NotFound, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createArtifactStore } from '../../src/adapters/artifactStore';
import { githubTokenReader } from '../../src/adapters/githubToken';
import { ArtifactStoreError, UpstreamError } from '../../src/errors';

const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);

const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

describe('the artifact store', () => {
  beforeEach(() => s3.reset());

  it('reads size and age of an artifact', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({ LastModified: new Date('2026-11-25T08:00:00Z'), ContentLength: 42 });

    // Act
    const object = await createArtifactStore(new S3Client({}), 'bucket').head('k.jar');

    // Assess
    expect(object).toEqual({ key: 'k.jar', lastModified: new Date('2026-11-25T08:00:00Z'), sizeBytes: 42 });
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'bucket', Key: 'k.jar' });
  });

  it('reports a missing artifact as missing', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );

    // Act + Assess
    await expect(createArtifactStore(new S3Client({}), 'bucket').head('k.jar')).resolves.toBeUndefined();
  });

  it('does not retry access denied, which a retry cannot fix', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(s3Error('Forbidden', 403));

    // Act
    const error = await createArtifactStore(new S3Client({}), 'bucket')
      .head('k.jar')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ArtifactStoreError);
    expect(error).toMatchObject({ upstream: 's3', retryable: false });
  });

  it('retries an S3 outage', async () => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(s3Error('InternalError', 500));

    // Act
    const error = await createArtifactStore(new S3Client({}), 'bucket')
      .head('k.jar')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ upstream: 's3', retryable: true });
  });
});

describe('the GitHub token reader', () => {
  beforeEach(() => ssm.reset());

  it('reads the SecureString once, decrypted', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'ghp_secret\n' } });
    const read = githubTokenReader(new SSMClient({}), '/branch-envs/test/github/token');

    // Act
    const tokens = [await read(), await read()];

    // Assess
    expect(tokens).toEqual(['ghp_secret', 'ghp_secret']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/branch-envs/test/github/token',
      WithDecryption: true,
    });
  });

  it('goes anonymous when no token is configured', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'no', $metadata: {} }));

    // Act + Assess
    await expect(githubTokenReader(new SSMClient({}), '/p')()).resolves.toBeUndefined();
  });

  it('reads again after a failure instead of remembering it', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Parameter: { Value: 't' } });
    const read = githubTokenReader(new SSMClient({}), '/p');

    // Act
    const first = await read().catch((e: unknown) => e);
    const second = await read();

    // Assess
    expect(first).toBeInstanceOf(UpstreamError);
    expect(first).toMatchObject({ upstream: 'aws', retryable: true });
    expect(second).toBe('t');
  });
});
