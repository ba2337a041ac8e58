import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DataOf, DetailOf, EventContract } from '../../src/envelope';

const fixtures = join(__dirname, '..', '..', 'fixtures');

/** The committed valid example of a contract, as its typed detail. */
export const fixtureDetail = <C extends EventContract>(contract: C): DetailOf<C> =>
  JSON.parse(readFileSync(join(fixtures, `${contract.detailType}.v${contract.schemaVersion}.json`), 'utf8'));

export const fixtureData = <C extends EventContract>(contract: C): DataOf<C> =>
  (fixtureDetail(contract) as { data: DataOf<C> }).data;

/** A minimal Lambda context whose remaining time is generous. */
export const lambdaContext = (functionName = 'test-function'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-north-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

let counter = 0;

/** An SQS record carrying an EventBridge envelope, as an EventBridge→SQS rule delivers it. */
export const sqsRecordFor = (
  detailType: string,
  detail: unknown,
  overrides: Partial<SQSRecord> = {},
): SQSRecord => {
  counter += 1;
  const body = JSON.stringify({
    version: '0',
    id: `eb-${counter}-${Math.random().toString(36).slice(2)}`,
    'detail-type': detailType,
    source: 'branch-envs.test',
    account: '123456789012',
    time: '2026-11-26T09:00:00Z',
    region: 'eu-north-1',
    resources: [],
    detail,
  });
  return {
    messageId: `msg-${counter}-${Math.random().toString(36).slice(2)}`,
    receiptHandle: `rh-${counter}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764147600000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1764147600001',
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-north-1:123456789012:test-queue',
    awsRegion: 'eu-north-1',
    ...overrides,
  };
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
