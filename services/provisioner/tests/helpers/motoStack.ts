import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { userDataFromBase64 } from '@branch-envs/shared/userData';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../../../shared/tests/helpers/factories';
import { motoConfig, queueRoutedFrom, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { loadProvisionerConfig, type ProvisionerConfig } from '../../src/config';
import { createProvisioner } from '../../src/domain/provision/provisioner';
import { createProber } from '../../src/domain/readiness/probe';
import { createProbeHandler } from '../../src/handlers/createProbeHandler';
import { createProvisionHandler } from '../../src/handlers/createProvisionHandler';
import { type Clients, proberPorts, provisionerPorts } from '../../src/wiring';
import { configEnv } from './factories';

/** An AMI that moto 5.2.1 lists in every region (its built-in DescribeImages set). */
export const MOTO_AMI = 'ami-03cf127a';
const CLOUD_INIT_DIR = `${__dirname}/../../../../cloud-init`;

/** SDK clients pointed at the jest run's moto server, EC2 with the same retry mode as the Lambda. */
export const motoClients = (): Clients => {
  const config = motoConfig();
  const dynamo = new DynamoDBClient(config);
  return {
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    eventBridge: new EventBridgeClient(config),
    ec2: new EC2Client({ ...config, retryMode: 'standard', maxAttempts: 3 }),
    ec2Launch: new EC2Client({ ...config, maxAttempts: 1 }),
    ssm: new SSMClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sqs: new SQSClient(config),
  };
};

/** The platform's pieces the provisioner needs, uniquely named in moto: tables, bus, probe queue. */
export const motoPlatform = async (clients: Clients) => {
  const [deploymentsTable, idempotencyTable] = await Promise.all([
    createPlatformTable(clients.dynamo, 'DeploymentsTable'),
    createPlatformTable(clients.dynamo, 'IdempotencyTable'),
  ]);
  const busName = uniqueName('bus');
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  const [probeQueue, tapQueue] = await Promise.all([
    clients.sqs
      .send(new CreateQueueCommand({ QueueName: uniqueName('probes') }))
      .then((out) => out.QueueUrl ?? ''),
    queueRoutedFrom(clients, busName, { source: ['branch-envs.provisioner'] }),
  ]);
  return {
    deploymentsTable,
    idempotencyTable,
    busName,
    probeQueue: probeQueue ?? '',
    tapQueue: tapQueue ?? '',
  };
};

export type MotoPlatform = Awaited<ReturnType<typeof motoPlatform>>;

/** The Lambda's config, read from an environment as the function would, pointed at the moto platform. */
export const motoConfigFor = (
  platform: MotoPlatform,
  env: Record<string, string | undefined> = {},
): ProvisionerConfig =>
  loadProvisionerConfig(
    configEnv({
      EVENT_BUS_NAME: platform.busName,
      DEPLOYMENTS_TABLE: platform.deploymentsTable,
      IDEMPOTENCY_TABLE: platform.idempotencyTable,
      PROBE_QUEUE_URL: platform.probeQueue,
      AMI_SSM_PARAMETER: undefined,
      AMI_ID: MOTO_AMI,
      ARTIFACT_URLS: 's3',
      ARTIFACT_BUCKET: undefined,
      CLOUD_INIT_DIR,
      ...env,
    }),
  );

/** Both Lambda handlers, wired exactly as the entry modules wire them, on moto clients. */
export const motoHandlers = (config: ProvisionerConfig, clients: Clients) => ({
  provision: createProvisionHandler({
    provisioner: createProvisioner(provisionerPorts(config, clients), config.settings),
    persistenceStore: idempotencyStore(config.idempotencyTable, clients.dynamo),
  }),
  probe: createProbeHandler({
    prober: createProber(proberPorts(config, clients), config.settings.readiness),
  }),
  repository: createDeploymentRepository({ client: clients.documents, tableName: config.deploymentsTable }),
});

export const receive = async (sqs: SQSClient, queueUrl: string, waitSeconds = 1): Promise<Message[]> =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        AttributeNames: ['All'],
      }),
    )
  ).Messages ?? [];

/** Messages as Lambda's SQS event source hands them to a handler (the fields the probe reads). */
export const toSqsEvent = (messages: Message[], queueArn: string, region: string): SQSEvent => ({
  Records: messages.map(
    (m): SQSRecord => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
        SenderId: m.Attributes?.SenderId ?? 'provisioner',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    }),
  ),
});

/**
 * Plays Lambda's SQS event source for the probe queue until `done()` holds: receives what became
 * visible, invokes the handler with the real event shape, deletes what succeeded.
 */
export const runProbes = async (
  sqs: SQSClient,
  queueUrl: string,
  handler: (
    event: ReturnType<typeof toSqsEvent>,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<SQSBatchResponse>,
  done: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  let invocations = 0;
  while (Date.now() < deadline && !(await done())) {
    const messages = await receive(sqs, queueUrl);
    if (messages.length === 0) continue;
    invocations += 1;
    const result = await handler(
      toSqsEvent(messages, 'arn:aws:sqs:eu-north-1:123456789012:probes', 'eu-north-1'),
      lambdaContext('probe'),
    );
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    const succeeded = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (succeeded.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
  return invocations;
};

export interface TappedEvent {
  'detail-type': string;
  detail: { metadata: { eventId: string; causationId: string }; data: Record<string, unknown> };
}

const tapped = new Map<string, TappedEvent[]>();

/**
 * Waits until the provisioner has published an event matching `predicate` (as the bus delivered
 * it to the tap queue). Everything received is kept, so tests sharing the queue each find theirs.
 */
export const waitForEvent = async (
  sqs: SQSClient,
  tapQueue: string,
  predicate: (event: TappedEvent) => boolean,
  timeoutMs = 10_000,
): Promise<TappedEvent | undefined> => {
  const seen = tapped.get(tapQueue) ?? [];
  tapped.set(tapQueue, seen);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = seen.find(predicate);
    if (found || Date.now() > deadline) return found;
    const messages = await receive(sqs, tapQueue, 1);
    seen.push(...messages.map((m) => JSON.parse(m.Body ?? '{}') as TappedEvent));
    if (messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: tapQueue,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
};

/** The events of one deployment published so far (waits briefly for stragglers). */
export const eventsOf = async (
  sqs: SQSClient,
  tapQueue: string,
  deployId: string,
): Promise<TappedEvent[]> => {
  await waitForEvent(sqs, tapQueue, () => false, 1500);
  return (tapped.get(tapQueue) ?? []).filter((e) => e.detail.data.deployId === deployId);
};

/** Instances moto holds for a deployment, by its DeployId tag, in the given states. */
export const instancesOf = async (
  ec2: EC2Client,
  deployId: string,
  states = ['pending', 'running'],
): Promise<Instance[]> => {
  const out = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:DeployId', Values: [deployId] },
        { Name: 'instance-state-name', Values: states },
      ],
    }),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
};

/** The user data EC2 stored for an instance, as the text cloud-init reads (gunzipped if needed). */
export const userDataText = async (ec2: EC2Client, instanceId: string): Promise<string> => {
  const out = await ec2.send(
    new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
  );
  return userDataFromBase64(out.UserData?.Value ?? '');
};
