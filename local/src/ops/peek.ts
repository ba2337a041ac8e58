import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { isRecord } from '../templates/cfnTypes';
import type { QueueState } from './queues';

/** One dead-lettered message, as `ops dlq show` prints it. */
export interface DeadLetter {
  messageId: string;
  eventType?: string;
  deployId?: string;
  eventId?: string;
  replayName?: string;
  /** What the message itself says went wrong; SQS's redrive records no error of its own. */
  error?: string;
  receiveCount: number;
  sentAt?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const parseBody = (body: string | undefined): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
};

/**
 * An EventBridge event as the rule delivered it (`detail-type`, `detail.metadata`), or a probe
 * message (`deployId` at the top). The error, when there is one, is a message attribute a producer
 * set (`error`, `ErrorMessage`); Lambda's SQS source and SQS's redrive add none.
 */
export const describeDeadLetter = (message: Message): DeadLetter => {
  const body = parseBody(message.Body);
  const detail = isRecord(body.detail) ? body.detail : {};
  const metadata = isRecord(detail.metadata) ? detail.metadata : {};
  const attributes = message.MessageAttributes ?? {};
  const error = attributes.error?.StringValue ?? attributes.ErrorMessage?.StringValue;
  const sent = Number(message.Attributes?.SentTimestamp);
  const fields = {
    eventType: text(body['detail-type']),
    deployId: text(metadata.correlationId) ?? text(body.deployId),
    eventId: text(metadata.eventId),
    replayName: text(body['replay-name']),
    error,
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : undefined,
  };
  return {
    messageId: message.MessageId ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  };
};

/**
 * Reads up to `limit` messages without deleting any: each is received with a visibility timeout, and
 * made visible again as soon as the read is over, so consumers (and a redrive) see them at once.
 */
export const peekMessages = async (sqs: SQSClient, queue: QueueState, limit = 50): Promise<DeadLetter[]> => {
  const seen: Message[] = [];
  try {
    while (seen.length < limit) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: Math.min(10, limit - seen.length),
          VisibilityTimeout: 30,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (!received.Messages?.length) break;
      seen.push(...received.Messages);
    }
  } finally {
    await releaseMessages(sqs, queue, seen);
  }
  return seen.map(describeDeadLetter);
};

const releaseMessages = async (sqs: SQSClient, queue: QueueState, messages: Message[]) => {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, j) => ({
      Id: String(j),
      ReceiptHandle: m.ReceiptHandle ?? '',
      VisibilityTimeout: 0,
    }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queue.url, Entries: entries }));
  }
};
