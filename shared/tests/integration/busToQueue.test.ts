import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { motoConfig, queueRoutedFrom, uniqueName } from '../../../tests/helpers/aws';
import { createEventConsumer } from '../../src/consumer';
import { DeployRequested, InstanceLaunched } from '../../src/events';
import { DeployRequestedV2 } from '../../src/events/DeployRequested.v2';
import { idempotencyStore } from '../../src/idempotency';
import { newId } from '../../src/ids';
import { createPublisher } from '../../src/publish';
import { fixtureData, fixtureDetail, lambdaContext, sqsEvent, sqsRecordFor } from '../helpers/factories';

const config = motoConfig();
const eventBridge = new EventBridgeClient(config);
const sqs = new SQSClient(config);
const dynamo = new DynamoDBClient(config);

/** A bus with one rule routing the given detail-types to a fresh queue, as a service stack does. */
const busRoutingToQueue = async (detailTypes: string[]) => {
  const busName = uniqueName('bus');
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  const queueUrl = await queueRoutedFrom({ eventBridge, sqs }, busName, {
    source: [{ prefix: 'branch-envs.' }],
    'detail-type': detailTypes,
  });
  return { busName, queueUrl };
};

const receiveAll = async (queueUrl: string, expected: number): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let attempt = 0; attempt < 10 && messages.length < expected; attempt += 1) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        AttributeNames: ['All'],
      }),
    );
    messages.push(...(out.Messages ?? []));
  }
  return messages;
};

/** The Lambda SQS record for a message moto delivered. */
const toRecord = (message: Message): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'moto',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-north-1:123456789012:q',
  awsRegion: 'eu-north-1',
});

const idempotencyTable = async (): Promise<string> => {
  const tableName = uniqueName('idempotency');
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  return tableName;
};

describe('publish through the bus to a queue (moto)', () => {
  it('delivers a published event through a detail-type rule with its envelope intact', async () => {
    // Prepare
    const { busName, queueUrl } = await busRoutingToQueue(['DeployRequested']);
    const publisher = createPublisher({ client: eventBridge, busName, producer: 'slack-ingress' });
    const data = fixtureData(DeployRequested);

    // Act
    const [published] = await publisher.publish([
      { contract: DeployRequested, data, cause: { correlationId: data.deployId } },
    ]);
    const messages = await receiveAll(queueUrl, 1);

    // Assess
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0]?.Body ?? '{}');
    expect(envelope['detail-type']).toBe('DeployRequested');
    expect(envelope.source).toBe('branch-envs.slack-ingress');
    expect(DeployRequested.detail.parse(envelope.detail)).toEqual({ metadata: published?.metadata, data });
  });

  it('does not deliver a detail-type the rule does not match', async () => {
    const { busName, queueUrl } = await busRoutingToQueue(['DeployRequested']);
    const cause = fixtureDetail(DeployRequested).metadata;
    const data = fixtureData(DeployRequested);

    // The non-matching event goes first; the matching one after it is the sentinel we wait for.
    await createPublisher({ client: eventBridge, busName, producer: 'provisioner' }).publish([
      { contract: InstanceLaunched, data: fixtureData(InstanceLaunched), cause },
    ]);
    await createPublisher({ client: eventBridge, busName, producer: 'slack-ingress' }).publish([
      { contract: DeployRequested, data, cause: { correlationId: data.deployId } },
    ]);
    const messages = await receiveAll(queueUrl, 1);
    const stragglers = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    messages.push(...(stragglers.Messages ?? []));

    expect(messages.map((m) => JSON.parse(m.Body ?? '{}')['detail-type'])).toEqual(['DeployRequested']);
  });
});

describe('createEventConsumer against moto', () => {
  it('runs the handler once when the same eventId arrives twice with different SQS and EventBridge ids', async () => {
    // Prepare: the same detail put on the bus twice, as an archive replay re-sends it
    const { busName, queueUrl } = await busRoutingToQueue(['DeployRequested']);
    const detail = fixtureDetail(DeployRequested);
    for (const replay of [undefined, 'replay-1']) {
      await eventBridge.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: busName,
              Source: 'branch-envs.slack-ingress',
              DetailType: 'DeployRequested',
              Detail: JSON.stringify(detail),
              Resources: replay ? [replay] : [],
            },
          ],
        }),
      );
    }
    const messages = await receiveAll(queueUrl, 2);
    const handled: string[] = [];
    const consumer = createEventConsumer({
      contracts: [DeployRequested],
      persistenceStore: idempotencyStore(await idempotencyTable(), dynamo),
      handler: async (event) => {
        handled.push(event.detail.metadata.eventId);
      },
    });

    // Act: two separate deliveries (two Lambda invocations)
    const first = await consumer(sqsEvent(toRecord(messages[0] as Message)), lambdaContext());
    const second = await consumer(sqsEvent(toRecord(messages[1] as Message)), lambdaContext());

    // Assess
    expect(messages).toHaveLength(2);
    expect(messages[0]?.MessageId).not.toBe(messages[1]?.MessageId);
    expect(JSON.parse(messages[0]?.Body ?? '{}').id).not.toBe(JSON.parse(messages[1]?.Body ?? '{}').id);
    expect(handled).toEqual([detail.metadata.eventId]);
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
  });

  it('returns a poison record as a batch item failure without failing its neighbours', async () => {
    const { busName, queueUrl } = await busRoutingToQueue(['DeployRequested']);
    const good = fixtureDetail(DeployRequested);
    const poison = { ...good, data: { ...good.data, query: '' } };
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [good, poison].map((d) => ({
          EventBusName: busName,
          Source: 'branch-envs.slack-ingress',
          DetailType: 'DeployRequested',
          Detail: JSON.stringify(d),
        })),
      }),
    );
    const messages = await receiveAll(queueUrl, 2);
    const handled: string[] = [];
    const consumer = createEventConsumer({
      contracts: [DeployRequested],
      persistenceStore: idempotencyStore(await idempotencyTable(), dynamo),
      handler: async (event) => {
        handled.push(event.detail.data.query);
      },
    });
    const records = messages.map(toRecord);
    const poisonRecord = records.find((r) => JSON.parse(r.body).detail.data.query === '');

    const response = await consumer(sqsEvent(...records), lambdaContext());

    expect(records).toHaveLength(2);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poisonRecord?.messageId }]);
    expect(handled).toEqual([good.data.query]);
  });

  it('parses each version of an event with its own contract when a consumer lists several', async () => {
    // Prepare
    const withId = <D extends { metadata: object }>(detail: D): D => ({
      ...detail,
      metadata: { ...detail.metadata, eventId: newId() },
    });
    const v1 = withId(fixtureDetail(DeployRequested));
    const v2 = withId(fixtureDetail(DeployRequestedV2));
    const v3 = withId({ ...v2, metadata: { ...v2.metadata, schemaVersion: 3 } });
    const records = [v1, v2, v3].map((d) => sqsRecordFor('DeployRequested', d));
    const handled: unknown[] = [];
    const consumer = createEventConsumer({
      contracts: [DeployRequested, DeployRequestedV2],
      persistenceStore: idempotencyStore(await idempotencyTable(), dynamo),
      handler: async (event) => {
        handled.push(
          'parsedQuery' in event.detail.data ? event.detail.data.parsedQuery : event.detail.data.query,
        );
      },
    });

    // Act
    const response = await consumer(sqsEvent(...records), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[2]?.messageId }]);
    expect(handled).toHaveLength(2);
    expect(handled).toEqual(expect.arrayContaining(['ABC-123', { ticket: 'ABC-123' }]));
  });

  it('runs the handler again after a failure, since only completed eventIds are remembered', async () => {
    const { busName, queueUrl } = await busRoutingToQueue(['DeployRequested']);
    const detail = fixtureDetail(DeployRequested);
    await createPublisher({ client: eventBridge, busName, producer: 'slack-ingress' }).publish([
      { contract: DeployRequested, data: detail.data, cause: { correlationId: detail.data.deployId } },
    ]);
    const [message] = await receiveAll(queueUrl, 1);
    let calls = 0;
    const consumer = createEventConsumer({
      contracts: [DeployRequested],
      persistenceStore: idempotencyStore(await idempotencyTable(), dynamo),
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('transient');
      },
    });
    const record = toRecord(message as Message);

    const failed = await consumer(sqsEvent(record), lambdaContext());
    const retried = await consumer(sqsEvent(record), lambdaContext());

    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(calls).toBe(2);
  });
});
