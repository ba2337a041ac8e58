import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { motoEndpoint, uniqueName } from '../../../tests/helpers/aws';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import { FunctionHost, type InvokeResult } from '../../src/runner/functionHost';
import { SqsPoller } from '../../src/runner/sqsPoller';
import { fixtureFunction } from '../helpers/factories';

let clients: AwsClients;
let host: FunctionHost;

const queueWithDlq = async (maxReceiveCount: number) => {
  const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }));
  const dlqArn = (
    await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    )
  ).Attributes?.QueueArn;
  const name = uniqueName('work');
  const queue = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '120',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  return {
    url: queue.QueueUrl ?? '',
    arn: `arn:aws:sqs:eu-north-1:123456789012:${name}`,
    dlqUrl: dlq.QueueUrl ?? '',
  };
};

const send = (url: string, bodies: string[]) =>
  clients.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );

const bodiesIn = async (url: string): Promise<string[]> => {
  const received = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 0,
    }),
  );
  return (received.Messages ?? []).map((m) => m.Body ?? '').sort();
};

const poller = (
  queue: { url: string; arn: string },
  invoke: (event: unknown) => Promise<InvokeResult>,
  reportBatchItemFailures = true,
) =>
  new SqsPoller({
    binding: {
      functionName: 'fixture-consume',
      queueArn: queue.arn,
      queueUrl: queue.url,
      batchSize: 10,
      reportBatchItemFailures,
      enabled: true,
    },
    sqs: clients.sqs,
    region: 'eu-north-1',
    invoke,
    maxVisibilitySeconds: 1,
  });

beforeAll(() => {
  clients = createAwsClients(motoEndpoint());
  host = new FunctionHost({
    fn: fixtureFunction('consume'),
    env: { PATH: process.env.PATH ?? '', FAIL_WHEN_BODY_HAS: 'poison' },
    region: 'eu-north-1',
    accountId: '123456789012',
    log: () => undefined,
  });
});

afterAll(async () => {
  await host?.stop();
  clients?.destroy();
});

describe('SqsPoller', () => {
  it('deletes the records that succeeded and leaves the reported failure on the queue', async () => {
    // Prepare
    const queue = await queueWithDlq(5);
    await send(queue.url, ['ok-1', 'poison-1', 'ok-2']);

    // Act
    const received = await poller(queue, (event) => host.invoke(event)).pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // Assess
    expect(received).toBe(3);
    expect(await bodiesIn(queue.url)).toEqual(['poison-1']);
  }, 30_000);

  it('moves a record that keeps failing to the DLQ after maxReceiveCount receives', async () => {
    // Prepare
    const queue = await queueWithDlq(2);
    await send(queue.url, ['poison-2']);
    const consumer = poller(queue, (event) => host.invoke(event));

    // Act
    await consumer.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await consumer.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const third = await consumer.pollOnce(0);

    // Assess
    expect(third).toBe(0);
    expect(await bodiesIn(queue.dlqUrl)).toEqual(['poison-2']);
  }, 30_000);

  it("tells the handler how often SQS delivered each record, as Lambda's ApproximateReceiveCount", async () => {
    // Prepare
    const queue = await queueWithDlq(5);
    await send(queue.url, ['again']);
    const counts: (string | undefined)[] = [];
    const consumer = poller(queue, async (event) => {
      counts.push(...(event as SQSEvent).Records.map((r) => r.attributes.ApproximateReceiveCount));
      return { ok: false, error: { errorType: 'Error', errorMessage: 'retry me' }, durationMs: 1 };
    });

    // Act
    await consumer.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await consumer.pollOnce();

    // Assess
    expect(counts).toEqual(['1', '2']);
  }, 30_000);

  it('leaves every message when the handler fails as a whole', async () => {
    // Prepare
    const queue = await queueWithDlq(5);
    await send(queue.url, ['a', 'b']);
    const failing = async (): Promise<InvokeResult> => ({
      ok: false,
      error: { errorType: 'Error', errorMessage: 'boom' },
      durationMs: 1,
    });

    // Act
    await poller(queue, failing).pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // Assess
    expect(await bodiesIn(queue.url)).toEqual(['a', 'b']);
  }, 30_000);

  it('receives with the short local visibility timeout when the template’s is long', async () => {
    // Prepare
    const queue = await queueWithDlq(5);
    await send(queue.url, ['slow']);
    const invocations: unknown[] = [];

    // Act
    await poller(queue, async (event) => {
      invocations.push(event);
      return { ok: false, error: { errorType: 'Error', errorMessage: 'retry me' }, durationMs: 1 };
    }).pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // Assess: visible again after 1 s, not the queue's 120 s.
    expect(invocations).toHaveLength(1);
    expect(await bodiesIn(queue.url)).toEqual(['slow']);
  }, 30_000);
});
