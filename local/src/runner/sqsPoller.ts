import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueBinding } from '../templates/runtimeBindings';
import type { InvokeResult } from './functionHost';
import { batchVerdict, toSqsEvent } from './sqsEvent';

export interface PollerOptions {
  binding: QueueBinding;
  sqs: SQSClient;
  region: string;
  invoke(event: unknown): Promise<InvokeResult>;
  /**
   * The longest visibility timeout used when receiving. A template's timeout is sized for Lambda
   * (minutes); locally a failed record should come back within seconds. Safe because one poller per
   * queue handles one batch at a time, so a message cannot reappear while it is being handled.
   */
  maxVisibilitySeconds: number;
  onBatch?(summary: BatchSummary): void;
}

export interface BatchSummary {
  functionName: string;
  received: number;
  deleted: number;
  error?: string;
}

const deleteMessages = async (sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> => {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages
      .slice(i, i + 10)
      .map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle ?? '' }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
};

/**
 * Plays Lambda's SQS event source mapping for one queue: long-polls with the mapping's batch size,
 * hands the function the real SQS event, and deletes what succeeded (all, or all but the reported
 * failures). Failed messages come back after the visibility timeout, and moto moves them to the DLQ
 * once they exceed the redrive policy's maxReceiveCount (checked against moto 5.2.1).
 */
export class SqsPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private visibility: number | undefined;

  public constructor(private readonly options: PollerOptions) {}

  public start(): void {
    if (this.running || !this.options.binding.enabled) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  /** Receives and handles one batch; returns how many messages it got. Tests drive the poller with it. */
  public async pollOnce(waitSeconds = 1): Promise<number> {
    const { binding, sqs } = this.options;
    const response = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: binding.queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(binding.batchSize, 1), 10),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: await this.visibilityTimeout(),
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    const messages = response.Messages ?? [];
    if (messages.length > 0) await this.handle(messages);
    return messages.length;
  }

  private async visibilityTimeout(): Promise<number> {
    if (this.visibility === undefined) {
      const { binding, sqs, maxVisibilitySeconds } = this.options;
      const attributes = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: binding.queueUrl, AttributeNames: ['VisibilityTimeout'] }),
      );
      this.visibility = Math.min(
        Number(attributes.Attributes?.VisibilityTimeout ?? 30),
        maxVisibilitySeconds,
      );
    }
    return this.visibility;
  }

  private eventFor(messages: Message[]): unknown {
    const { binding, region } = this.options;
    // A bridge queue stands in for EventBridge invoking the function itself: hand over the event.
    if (binding.bridge) return JSON.parse(messages[0]?.Body ?? '{}');
    return toSqsEvent(messages, binding.queueArn, region);
  }

  private async handle(messages: Message[]): Promise<void> {
    const { binding, sqs, invoke, onBatch } = this.options;
    const result = await invoke(this.eventFor(messages));
    if (!result.ok) {
      onBatch?.({
        functionName: binding.functionName,
        received: messages.length,
        deleted: 0,
        error: result.error.errorMessage,
      });
      return;
    }
    const ids = messages.map((m) => m.MessageId ?? '');
    const verdict = batchVerdict(result.value, ids, binding.reportBatchItemFailures);
    const done = verdict.deleteAll ? messages : messages.filter((m) => !verdict.keep.has(m.MessageId ?? ''));
    await deleteMessages(sqs, binding.queueUrl, done);
    onBatch?.({ functionName: binding.functionName, received: messages.length, deleted: done.length });
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) return;
        onPollError(this.options, error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
}

const onPollError = (options: PollerOptions, error: unknown): void => {
  options.onBatch?.({
    functionName: options.binding.functionName,
    received: 0,
    deleted: 0,
    error: `poll failed: ${(error as Error).message}`,
  });
};
