import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import type { Context } from 'aws-lambda';
import { motoConfig, queueRoutedFrom, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createWebhookHandler } from '../../src/handlers/createWebhookHandler';
import { buildDependencies } from '../../src/wiring';
import { closedPullRequest, delivery, REPOSITORY, SECRET } from '../helpers/factories';

const aws = motoConfig();
const eventBridge = new EventBridgeClient(aws);
const sqs = new SQSClient(aws);
const ssm = new SSMClient(aws);
const dynamo = new DynamoDBClient(aws);
const context = { getRemainingTimeInMillis: () => 8_000 } as Context;

/** Everything the queue gets within a few seconds: long enough for a second copy to show up. */
const receive = async (queueUrl: string): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    messages.push(...(out.Messages ?? []));
  }
  return messages;
};

const setUp = async () => {
  const busName = uniqueName('bus');
  const secretParam = `/${uniqueName('test')}/github/webhook-secret`;
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  await ssm.send(new PutParameterCommand({ Name: secretParam, Value: SECRET, Type: 'SecureString' }));
  const idempotencyTable = await createPlatformTable(dynamo, 'IdempotencyTable');
  const queueUrl = await queueRoutedFrom({ eventBridge, sqs }, busName, {
    source: ['branch-envs.github-ingress'],
    'detail-type': ['PullRequestClosed'],
  });
  const deps = buildDependencies(
    {
      stage: 'test',
      eventBusName: busName,
      idempotencyTable,
      webhookSecretParam: secretParam,
      repository: REPOSITORY,
    },
    { eventBridge, dynamo, ssm },
    { logger: new Logger({ serviceName: 'github-ingress-test', logLevel: 'SILENT' }) },
  );
  const handler = createWebhookHandler(deps);
  return {
    queueUrl,
    idempotencyTable,
    invoke: async (event: Parameters<typeof handler>[0]) => handler(event, context),
  };
};

describe('github-ingress against moto', () => {
  it('publishes one valid PullRequestClosed for a delivery GitHub sends twice', async () => {
    // Prepare
    const { queueUrl, idempotencyTable, invoke } = await setUp();
    const request = await delivery(
      closedPullRequest({ branch: 'feature/ABC-123-login-page', number: 42, merged: true }),
    );

    // Act
    const first = await invoke(request);
    const again = await invoke(request);

    // Assess
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(JSON.parse(String(again.body))).toEqual({ result: 'duplicate' });
    const messages = await receive(queueUrl);
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0]?.Body ?? '{}');
    expect(envelope.source).toBe('branch-envs.github-ingress');
    const detail = PullRequestClosed.detail.parse(envelope.detail);
    expect(detail.data).toMatchObject({
      repo: 'acme/shop',
      branch: 'feature/ABC-123-login-page',
      prNumber: 42,
      merged: true,
    });
    const records = await dynamo.send(new ScanCommand({ TableName: idempotencyTable }));
    expect(records.Items?.map((i) => i.status?.S)).toEqual(['COMPLETED']);
  });

  it('reads the secret from SSM and refuses a delivery signed with another', async () => {
    // Prepare
    const { queueUrl, invoke } = await setUp();

    // Act
    const response = await invoke(await delivery(closedPullRequest({ merged: true }), { secret: 'another' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 401, body: '' });
    expect(await receive(queueUrl)).toEqual([]);
  });
});
