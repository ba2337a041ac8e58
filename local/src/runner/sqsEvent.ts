import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

const toLambdaAttributes = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes => {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
};

const SYSTEM_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'DeadLetterQueueSourceArn',
  'AWSTraceHeader',
] as const;

const toRecordAttributes = (attributes: Record<string, string> | undefined): SQSRecordAttributes => {
  const out: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTES) {
    const value = attributes?.[name];
    if (value !== undefined) out[name] = value;
  }
  return out as unknown as SQSRecordAttributes;
};

/** One SQS message in the shape Lambda's SQS event source hands a handler. */
export const toSqsRecord = (message: Message, queueArn: string, region: string): SQSRecord => {
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: toRecordAttributes(message.Attributes),
    messageAttributes: toLambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
};

export const toSqsEvent = (messages: Message[], queueArn: string, region: string): SQSEvent => ({
  Records: messages.map((message) => toSqsRecord(message, queueArn, region)),
});

export type BatchVerdict = { deleteAll: true } | { deleteAll: false; keep: Set<string> };

const isFailureList = (
  value: unknown,
): value is { batchItemFailures?: { itemIdentifier?: unknown }[] | null } =>
  typeof value === 'object' && value !== null && 'batchItemFailures' in value;

/**
 * What Lambda's SQS poller does with a batch after the handler returned (never called when it threw:
 * then every message stays and comes back after its visibility timeout). With ReportBatchItemFailures,
 * the listed messages stay; an empty, null or missing list means all succeeded; an identifier that is
 * empty or not in the batch fails the whole batch. Without it, success deletes everything.
 */
export const batchVerdict = (
  result: unknown,
  messageIds: string[],
  reportBatchItemFailures: boolean,
): BatchVerdict => {
  if (!reportBatchItemFailures || !isFailureList(result) || !result.batchItemFailures)
    return { deleteAll: true };
  const keep = new Set<string>();
  for (const failure of result.batchItemFailures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || !messageIds.includes(id))
      return { deleteAll: false, keep: new Set(messageIds) };
    keep.add(id);
  }
  return keep.size === 0 ? { deleteAll: true } : { deleteAll: false, keep };
};
