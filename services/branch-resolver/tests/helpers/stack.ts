/**
 * The resolver's surroundings in moto for handler tests: the bus with this service's rule (its
 * pattern read from serverless.yml) into an input queue, a capture queue for what the resolver
 * publishes, the tables, the artifact bucket and the GitHub token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSRecord } from 'aws-lambda';
import { parse } from 'yaml';
import { motoConfig, motoEndpoint, queueRoutedFrom, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { artifactKeysFor } from '../../src/domain/artifacts';
import { ARTIFACT_KEYS } from './factories';
import { BRANCHES_WITHOUT_PULL, PULLS } from './githubFixtures';
import { createCacheTable } from './resolverTables';

const config = motoConfig();
export const clients = {
  dynamo: new DynamoDBClient(config),
  eventBridge: new EventBridgeClient(config),
  s3: new S3Client({ ...config, forcePathStyle: true }),
  ssm: new SSMClient(config),
};
const sqs = new SQSClient(config);

/** The EventPattern of this service's rule, as serverless.yml declares it. */
const resolverRulePattern = (): unknown => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'), {
    logLevel: 'silent',
  }) as {
    resources: { Resources: { Rule: { Properties: { EventPattern: unknown } } } };
  };
  return doc.resources.Resources.Rule.Properties.EventPattern;
};

/** The artifacts of every fixture branch, except the pgdump of fix/DEMO-2-missing-dump. */
const seedArtifacts = async (bucket: string): Promise<void> => {
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: 'eu-north-1' },
    }),
  );
  const branches = [...PULLS.map((p) => p.head), ...BRANCHES_WITHOUT_PULL];
  const keys = branches
    .flatMap((branch) => artifactKeysFor(ARTIFACT_KEYS, 'shop', branch))
    .filter((key) => key !== 'build-artifacts/shop-fix/DEMO-2-missing-dump-pgdump.gz');
  await Promise.all(
    keys.map((Key) => clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))),
  );
};

export const startResolverStack = async () => {
  const busName = uniqueName('bus');
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  const inputQueue = await queueRoutedFrom(
    { eventBridge: clients.eventBridge, sqs },
    busName,
    resolverRulePattern(),
  );
  const outputQueue = await queueRoutedFrom({ eventBridge: clients.eventBridge, sqs }, busName, {
    source: ['branch-envs.branch-resolver'],
    'detail-type': ['BranchResolved', 'DeployRejected'],
  });
  const bucket = uniqueName('artifacts');
  const tokenParam = `/${uniqueName('branch-envs')}/github/token`;
  await clients.ssm.send(
    new PutParameterCommand({ Name: tokenParam, Value: 'ghp_from_ssm', Type: 'SecureString' }),
  );
  await seedArtifacts(bucket);
  return {
    busName,
    inputQueue,
    outputQueue,
    bucket,
    tokenParam,
    deploymentsTable: await createPlatformTable(clients.dynamo, 'DeploymentsTable'),
    idempotencyTable: await createPlatformTable(clients.dynamo, 'IdempotencyTable'),
    cacheTable: await createCacheTable(clients.dynamo),
    endpoint: motoEndpoint(),
  };
};

/** Everything received so far from a queue, by the event's correlation id. */
export const queueReader = (queueUrl: string) => {
  const byCorrelation = new Map<string, { detailType: string; detail: unknown; message: Message }[]>();
  const poll = async (): Promise<void> => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        AttributeNames: ['All'],
      }),
    );
    for (const message of out.Messages ?? []) {
      const envelope = JSON.parse(message.Body ?? '{}') as {
        'detail-type': string;
        detail: { metadata: { correlationId: string } };
      };
      const id = envelope.detail.metadata.correlationId;
      byCorrelation.set(id, [
        ...(byCorrelation.get(id) ?? []),
        { detailType: envelope['detail-type'], detail: envelope.detail, message },
      ]);
    }
  };
  return {
    /** Waits (a few seconds at most) for the events of one conversation. */
    async eventsOf(correlationId: string, expected = 1) {
      for (let i = 0; i < 8 && (byCorrelation.get(correlationId)?.length ?? 0) < expected; i += 1)
        await poll();
      return byCorrelation.get(correlationId) ?? [];
    },
  };
};

/** The Lambda SQS record for a message, with the delivery count SQS would report. */
export const toRecord = (message: Message, receiveCount = 1): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'moto',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-north-1:123456789012:branch-resolver',
  awsRegion: 'eu-north-1',
});
