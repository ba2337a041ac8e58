import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { motoConfig, motoEndpoint } from '../../../../tests/helpers/aws';
import { awsFaultAnswer, awsOperationOf } from '../../../src/faults/faultAnswers';
import { type Fault, type FaultProxy, startFaultProxy } from '../../../src/faults/faultProxy';

/**
 * The real AWS SDK v3 clients, pointed at the fault layer in front of moto, must read each injected
 * error as the error AWS would have sent (by name), and retry it: the first request gets the fault,
 * the retry reaches moto, so the call succeeds with `$metadata.attempts` 2.
 */
type Scripted = (call: Parameters<typeof awsFaultAnswer>[0]) => Fault | undefined;

let proxy: FaultProxy;
let script: Scripted = () => undefined;
let faultsLeft = 0;

beforeAll(async () => {
  proxy = await startFaultProxy({
    dependency: 'aws',
    target: motoEndpoint(),
    operationOf: awsOperationOf,
    chooseFault: (call) => (faultsLeft-- > 0 ? script(call) : undefined),
    timeoutMs: 200,
  });
});
afterAll(() => proxy.stop());

const config = (maxAttempts?: number) => ({
  ...motoConfig(),
  endpoint: proxy.url,
  ...(maxAttempts ? { maxAttempts } : {}),
});

const answer =
  (throttle: boolean, pick = 0.1): Scripted =>
  (call) => {
    const a = awsFaultAnswer(call, throttle, () => pick);
    return a ? { kind: 'answer', answer: a } : undefined;
  };

type Send = (maxAttempts?: number) => Promise<{ $metadata: { attempts?: number } }>;

const clients: Record<string, Send> = {
  dynamodb: (n) => new DynamoDBClient(config(n)).send(new ListTablesCommand({})),
  sqs: (n) => new SQSClient(config(n)).send(new ListQueuesCommand({})),
  eventbridge: (n) => new EventBridgeClient(config(n)).send(new ListEventBusesCommand({})),
  ec2: (n) => new EC2Client(config(n)).send(new DescribeInstancesCommand({})),
  s3: (n) => new S3Client({ ...config(n), forcePathStyle: true }).send(new ListBucketsCommand({})),
  ssm: (n) => new SSMClient(config(n)).send(new DescribeParametersCommand({})),
};

const cases: [string, string, Scripted][] = [
  ['dynamodb', 'ThrottlingException', answer(true, 0.1)],
  ['dynamodb', 'ProvisionedThroughputExceededException', answer(true, 0.9)],
  ['dynamodb', 'InternalServerError', answer(false)],
  ['sqs', 'RequestThrottled', answer(true)],
  ['sqs', 'InternalFailure', answer(false)],
  ['eventbridge', 'ThrottlingException', answer(true)],
  ['eventbridge', 'InternalException', answer(false)],
  ['ec2', 'RequestLimitExceeded', answer(true)],
  ['ec2', 'InternalError', answer(false)],
  ['s3', 'SlowDown', answer(true)],
  ['ssm', 'ThrottlingException', answer(true)],
];

describe('the AWS SDK reads the fault layer as AWS', () => {
  test.each(cases)('%s: the injected fault is parsed as %s', async (client, name, fault) => {
    script = fault;
    faultsLeft = 1;
    await expect(clients[client]?.(1)).rejects.toMatchObject({ name });
  });

  test.each(cases)('%s: %s is retried and the call succeeds on attempt 2', async (client, _name, fault) => {
    script = fault;
    faultsLeft = 1;
    const result = await clients[client]?.();
    expect(result?.$metadata.attempts).toBe(2);
  });

  test.each([['reset'], ['timeout']] as const)('a connection %s is retried', async (kind) => {
    script = () => ({ kind });
    faultsLeft = 1;
    const result = await clients.dynamodb?.();
    expect(result?.$metadata.attempts).toBe(2);
  });

  test('a fault on every attempt surfaces after the retry budget', async () => {
    script = answer(true);
    faultsLeft = 100;
    await expect(clients.eventbridge?.(3)).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { attempts: 3 },
    });
    faultsLeft = 0;
  });
});
