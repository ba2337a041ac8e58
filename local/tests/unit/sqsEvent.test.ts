import type { Message } from '@aws-sdk/client-sqs';
import { batchVerdict, toSqsEvent } from '../../src/runner/sqsEvent';

const message = (id: string, body = '{}'): Message => ({
  MessageId: id,
  ReceiptHandle: `handle-${id}`,
  Body: body,
  MD5OfBody: 'md5',
  Attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000100',
  },
  MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
});

describe('toSqsEvent', () => {
  it('builds the record shape Lambda hands an SQS handler', () => {
    // Prepare
    const arn = 'arn:aws:sqs:eu-north-1:123456789012:work';

    // Act
    const event = toSqsEvent([message('m1', '{"a":1}')], arn, 'eu-north-1');

    // Assess
    expect(event.Records).toEqual([
      {
        messageId: 'm1',
        receiptHandle: 'handle-m1',
        body: '{"a":1}',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1700000000000',
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1700000000100',
        },
        messageAttributes: {
          kind: {
            stringValue: 'test',
            binaryValue: undefined,
            stringListValues: [],
            binaryListValues: [],
            dataType: 'String',
          },
        },
        md5OfBody: 'md5',
        eventSource: 'aws:sqs',
        eventSourceARN: arn,
        awsRegion: 'eu-north-1',
      },
    ]);
  });
});

describe('batchVerdict', () => {
  const ids = ['a', 'b', 'c'];

  it('deletes everything after success when partial batch responses are off', () => {
    expect(batchVerdict({ batchItemFailures: [{ itemIdentifier: 'a' }] }, ids, false)).toEqual({
      deleteAll: true,
    });
  });

  it('keeps only the reported failures', () => {
    // Act
    const verdict = batchVerdict({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids, true);

    // Assess
    expect(verdict).toEqual({ deleteAll: false, keep: new Set(['b']) });
  });

  it('treats an empty or missing failure list as full success', () => {
    expect(batchVerdict({ batchItemFailures: [] }, ids, true)).toEqual({ deleteAll: true });
    expect(batchVerdict(null, ids, true)).toEqual({ deleteAll: true });
  });

  it('fails the whole batch when a failure names a message not in it', () => {
    // Act
    const verdict = batchVerdict({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, ids, true);

    // Assess
    expect(verdict).toEqual({ deleteAll: false, keep: new Set(ids) });
  });
});
