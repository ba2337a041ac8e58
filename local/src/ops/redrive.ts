import {
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from './queues';

export interface RedriveProgress {
  moved: number;
  total: number;
}

export interface RedriveResult {
  method: 'message-move-task' | 'receive-send-delete';
  moved: number;
  /** Messages sent back but refused by SendMessageBatch; they stay in the DLQ. */
  failed: number;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  reason?: string;
}

export interface RedriveOptions {
  onProgress?(progress: RedriveProgress): void;
  pollMs?: number;
  sleep?(ms: number): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * StartMessageMoveTask exists in every AWS region, but an endpoint without it (moto 5.2.1 answers an
 * HTML 500 page) must not stop a redrive: those answers, and SQS's own "unsupported" errors, mean
 * "move the messages ourselves".
 */
export const moveTaskUnavailable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (['UnsupportedOperation', 'InvalidAction', 'UnknownOperationException'].includes(error.name))
    return true;
  return status === 501 || (status === 500 && error.name === 'SyntaxError');
};

const moveWithTask = async (
  sqs: SQSClient,
  pair: DeadLetterQueue,
  options: RedriveOptions,
): Promise<RedriveResult> => {
  const sleep = options.sleep ?? defaultSleep;
  await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: pair.dlq.arn, DestinationArn: pair.source.arn }),
  );
  for (;;) {
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: pair.dlq.arn, MaxResults: 1 }));
    const task = tasks.Results?.[0];
    const moved = Number(task?.ApproximateNumberOfMessagesMoved ?? 0);
    options.onProgress?.({ moved, total: Number(task?.ApproximateNumberOfMessagesToMove ?? moved) });
    const status = task?.Status;
    if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED')
      return {
        method: 'message-move-task',
        moved,
        failed: 0,
        status,
        ...(task?.FailureReason ? { reason: task.FailureReason } : {}),
      };
    await sleep(options.pollMs ?? 1000);
  }
};

/** Sends one received batch to the source queue, then deletes from the DLQ only what was sent. */
const moveBatch = async (sqs: SQSClient, pair: DeadLetterQueue, messages: Message[]) => {
  const entries = messages.map((m, i) => ({
    Id: String(i),
    MessageBody: m.Body ?? '',
    ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}),
  }));
  const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: pair.source.url, Entries: entries }));
  const delivered = (sent.Successful ?? []).map((s) => messages[Number(s.Id)]?.ReceiptHandle);
  const handles = delivered.filter((h): h is string => typeof h === 'string');
  if (handles.length > 0)
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: pair.dlq.url,
        Entries: handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })),
      }),
    );
  return { moved: handles.length, failed: (sent.Failed ?? []).length };
};

/**
 * The fallback: receive 10, send them to the source queue, delete what was sent. Interrupted at any
 * point, a message is either still in the DLQ or already in the source queue, possibly both (sent,
 * not yet deleted): never in neither. A copy is harmless, since consumers run once per eventId. It
 * stops after as many messages as the DLQ held at the start, so messages that fail again and return
 * are not chased forever.
 */
export const moveByHand = async (
  sqs: SQSClient,
  pair: DeadLetterQueue,
  options: RedriveOptions = {},
): Promise<RedriveResult> => {
  const total = pair.dlq.visible;
  let moved = 0;
  let failed = 0;
  options.onProgress?.({ moved, total });
  while (moved + failed < total) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pair.dlq.url,
        MaxNumberOfMessages: Math.min(10, total - moved - failed),
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const batch = await moveBatch(sqs, pair, messages);
    moved += batch.moved;
    failed += batch.failed;
    options.onProgress?.({ moved, total });
  }
  return { method: 'receive-send-delete', moved, failed, status: failed > 0 ? 'FAILED' : 'COMPLETED' };
};

/** Moves a DLQ's messages back to the queue they failed from: SQS's move task, else by hand. */
export const redrive = async (
  sqs: SQSClient,
  pair: DeadLetterQueue,
  options: RedriveOptions = {},
): Promise<RedriveResult> => {
  try {
    return await moveWithTask(sqs, pair, options);
  } catch (error) {
    if (!moveTaskUnavailable(error)) throw error;
    return moveByHand(sqs, pair, options);
  }
};
