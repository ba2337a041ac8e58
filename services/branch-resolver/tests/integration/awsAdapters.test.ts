import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBranchClaims } from '@branch-envs/shared/deployments/branchClaims';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { newId } from '@branch-envs/shared/ids';
import { motoConfig, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createArtifactStore } from '../../src/adapters/artifactStore';
import { createDeploymentLookup } from '../../src/adapters/deploymentLookup';
import { artifactKeysFor, checkArtifacts } from '../../src/domain/artifacts';
import { ARTIFACT_KEYS, deployRequested } from '../helpers/factories';

const config = motoConfig();
const s3 = new S3Client({ ...config, forcePathStyle: true });
const dynamo = new DynamoDBClient(config);
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });

describe('the artifact check against S3 (moto)', () => {
  const bucket = uniqueName('artifacts');

  beforeAll(async () => {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-north-1' },
      }),
    );
  });

  it('finds every artifact of a branch whose name has slashes and unicode, with size and age', async () => {
    // Prepare
    const branch = 'feature/ABC-123/ünïcode-$&';
    const keys = artifactKeysFor(ARTIFACT_KEYS, 'shop', branch);
    for (const key of keys)
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));

    // Act
    const check = await checkArtifacts(createArtifactStore(s3, bucket), keys);

    // Assess
    expect(keys[0]).toBe('build-artifacts/shop-feature/ABC-123/ünïcode-$&.jar');
    expect(check.kind).toBe('complete');
    const artifacts = check.kind === 'complete' ? check.artifacts : [];
    expect(artifacts.map((a) => [a.key, a.sizeBytes])).toEqual(
      keys.map((k) => [k, Buffer.byteLength(`body of ${k}`)]),
    );
    expect(check.kind === 'complete' && check.buildLastModified.getTime()).toBeLessThanOrEqual(
      Date.now() + 1000,
    );
  });

  it('names the keys that are missing', async () => {
    // Prepare
    const keys = artifactKeysFor(ARTIFACT_KEYS, 'shop', 'fix/no-dump');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys[0], Body: 'jar' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys[1], Body: 'edn' }));

    // Act
    const check = await checkArtifacts(createArtifactStore(s3, bucket), keys);

    // Assess
    expect(check).toEqual({ kind: 'missing', missingKeys: ['build-artifacts/shop-fix/no-dump-pgdump.gz'] });
  });
});

describe('the live deployment lookup against the branch GSI (moto)', () => {
  let tableName: string;

  const record = (
    branch: string,
    status: DeploymentRecord['status'],
    createdAt: string,
    extra: Partial<DeploymentRecord> = {},
  ) => {
    const { data } = deployRequested('x');
    return {
      kind: 'deployment' as const,
      deployId: newId(Date.parse(createdAt)),
      status,
      query: branch,
      branch,
      owner: data.owner,
      ownerId: data.owner.userId,
      channelId: data.replyTo.channelId,
      replyTo: data.replyTo,
      responseUrlUses: 0,
      createdAt,
      ttlSeconds: 3600,
      expiresAt: Math.floor(Date.parse(createdAt) / 1000) + 3600,
      keepOvernight: false,
      history: [],
      version: 0,
      ...extra,
    };
  };

  beforeAll(async () => {
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  });

  it('finds the newest live deployment of the branch, with its URL and expiry', async () => {
    // Prepare
    const repository = createDeploymentRepository({ client: documents, tableName });
    const ready = record('feature/x', 'READY', '2026-11-26T08:00:00.000Z', { url: 'http://10.0.0.5/' });
    await repository.create(record('feature/x', 'TERMINATED', '2026-11-26T08:30:00.000Z'));
    await repository.create(ready);
    await repository.create(record('feature/x-other', 'READY', '2026-11-26T08:40:00.000Z'));

    // Act
    const live = await createDeploymentLookup(
      repository,
      createBranchClaims({ client: documents, tableName }),
    ).liveDeploymentOf('feature/x', newId());

    // Assess
    expect(live).toEqual({
      deployId: ready.deployId,
      branch: 'feature/x',
      status: 'READY',
      url: 'http://10.0.0.5/',
      expiresAt: ready.expiresAt,
    });
  });

  it('does not find the request’s own deployment, as after a crash between publish and completion', async () => {
    // Prepare
    const repository = createDeploymentRepository({ client: documents, tableName });
    const own = record('feature/own', 'RESOLVED', '2026-11-26T08:00:00.000Z');
    await repository.create(own);

    // Act
    const live = await createDeploymentLookup(
      repository,
      createBranchClaims({ client: documents, tableName }),
    ).liveDeploymentOf('feature/own', own.deployId);

    // Assess
    expect(live).toBeUndefined();
  });

  it('keeps the rejection on the REJECTED record, so a redelivery answers the same (ADR 0018)', async () => {
    // Prepare
    const repository = createDeploymentRepository({ client: documents, tableName });
    const requested = record('feature/rate-limited', 'REQUESTED', '2026-11-26T08:00:00.000Z');
    await repository.create(requested);
    const lookup = createDeploymentLookup(repository, createBranchClaims({ client: documents, tableName }));
    const reason = {
      code: 'upstream_error' as const,
      upstream: 'github' as const,
      message: 'GitHub rate limit',
      retryAfter: 1_796_000_000,
    };
    const before = await lookup.priorRejection(requested.deployId);

    // Act
    await lookup.markRejected(requested.deployId, reason);

    // Assess
    expect(before).toBeUndefined();
    expect(await lookup.priorRejection(requested.deployId)).toEqual(reason);
    const stored = await repository.get(requested.deployId);
    expect(stored).toMatchObject({ status: 'REJECTED', rejection: reason });
  });
});
