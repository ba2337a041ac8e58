import {
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { DeadLetterQueue, QueueState } from '../../../src/ops/queues';
import { moveTaskUnavailable, redrive } from '../../../src/ops/redrive';

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'eu-north-1' });
const noSleep = () => Promise.resolve();

const queue = (name: string, visible = 0): QueueState => ({
  name,
  url: `https://sqs.eu-north-1.amazonaws.com/123456789012/${name}`,
  arn: `arn:aws:sqs:eu-north-1:123456789012:${name}`,
  visible,
  inFlight: 0,
});

const pairWith = (depth: number): DeadLetterQueue => ({
  service: 'notifier',
  dlq: queue('branch-envs-dev-notifier-dlq', depth),
  source: queue('branch-envs-dev-notifier'),
});

/** What an endpoint without StartMessageMoveTask answers through the SDK (moto 5.2.1: an HTML 500). */
const htmlServerError = () =>
  Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), {
    $metadata: { httpStatusCode: 500 },
  });

const messages = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    MessageId: `m-${from + i}`,
    ReceiptHandle: `rh-${from + i}`,
    Body: JSON.stringify({ 'detail-type': 'InstanceReady', n: from + i }),
  }));

beforeEach(() => sqsMock.reset());

describe('redrive with StartMessageMoveTask', () => {
  it('starts the move to the source queue and reports progress until the task completes', async () => {
    // Prepare: ListMessageMoveTasks as SQS documents it, RUNNING then COMPLETED
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'eyJ0YXNrSWQiOiIxIn0=' });
    const task = {
      TaskHandle: 'eyJ0YXNrSWQiOiIxIn0=',
      SourceArn: pairWith(3).dlq.arn,
      ApproximateNumberOfMessagesToMove: 3,
    };
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ ...task, Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1 }] })
      .resolves({ Results: [{ ...task, Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }] });
    const progress: number[] = [];

    // Act
    const result = await redrive(sqs, pairWith(3), {
      sleep: noSleep,
      onProgress: (p) => progress.push(p.moved),
    });

    // Assess
    expect(result).toEqual({ method: 'message-move-task', moved: 3, failed: 0, status: 'COMPLETED' });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: 'arn:aws:sqs:eu-north-1:123456789012:branch-envs-dev-notifier-dlq',
      DestinationArn: 'arn:aws:sqs:eu-north-1:123456789012:branch-envs-dev-notifier',
    });
    expect(progress).toEqual([1, 3]);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it('passes on a failed task with its FailureReason', async () => {
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h' });
    sqsMock.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'FAILED',
          ApproximateNumberOfMessagesMoved: 0,
          FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
        },
      ],
    });

    const result = await redrive(sqs, pairWith(1), { sleep: noSleep });

    expect(result).toMatchObject({ status: 'FAILED', reason: 'AWS.SimpleQueueService.NonExistentQueue' });
  });

  it('rethrows an error that is not "unsupported", such as AccessDenied, instead of moving by hand', async () => {
    sqsMock
      .on(StartMessageMoveTaskCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    await expect(redrive(sqs, pairWith(1))).rejects.toThrow('denied');
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });
});

describe('redrive by hand, where StartMessageMoveTask is unavailable', () => {
  it('moves 12 messages in batches of 10, deleting from the DLQ only what the source queue accepted', async () => {
    // Prepare
    sqsMock.on(StartMessageMoveTaskCommand).rejects(htmlServerError());
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages(0, 10) })
      .resolvesOnce({ Messages: messages(10, 2) });
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `new-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const progress: number[] = [];

    // Act
    const result = await redrive(sqs, pairWith(12), { onProgress: (p) => progress.push(p.moved) });

    // Assess
    expect(result).toEqual({ method: 'receive-send-delete', moved: 12, failed: 0, status: 'COMPLETED' });
    expect(progress).toEqual([0, 10, 12]);
    const sends = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(sends.map((s) => s.QueueUrl)).toEqual([pairWith(0).source.url, pairWith(0).source.url]);
    expect(sends[0]?.Entries?.[3]?.MessageBody).toBe(
      JSON.stringify({ 'detail-type': 'InstanceReady', n: 3 }),
    );
    const deletes = sqsMock.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input);
    expect(deletes.flatMap((d) => d.Entries?.map((e) => e.ReceiptHandle))).toHaveLength(12);
  });

  it('leaves a message the source queue refused in the DLQ, and says the redrive failed', async () => {
    // Prepare: SendMessageBatch's documented partial failure
    sqsMock.on(StartMessageMoveTaskCommand).rejects(htmlServerError());
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: messages(0, 2) });
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'new-0', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError', Message: 'try again' }],
    });
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });

    // Act
    const result = await redrive(sqs, pairWith(2));

    // Assess
    expect(result).toEqual({ method: 'receive-send-delete', moved: 1, failed: 1, status: 'FAILED' });
    const deleted = sqsMock.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries;
    expect(deleted).toEqual([{ Id: '0', ReceiptHandle: 'rh-0' }]);
  });

  it('stops after as many messages as the DLQ held, so messages that fail again are not chased', async () => {
    sqsMock.on(StartMessageMoveTaskCommand).rejects(htmlServerError());
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: messages(0, 3) });
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'n', MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    sqsMock.on(DeleteMessageBatchCommand).resolves({});

    const result = await redrive(sqs, pairWith(3));

    expect(result.moved).toBe(3);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.MaxNumberOfMessages).toBe(3);
  });
});

describe('moveTaskUnavailable', () => {
  it('is true for SQS "unsupported" answers and an endpoint that does not speak the API', () => {
    expect(moveTaskUnavailable(Object.assign(new Error('x'), { name: 'UnsupportedOperation' }))).toBe(true);
    expect(moveTaskUnavailable(htmlServerError())).toBe(true);
    expect(moveTaskUnavailable(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 501 } }))).toBe(
      true,
    );
  });

  it('is false for throttling, access and service errors', () => {
    expect(
      moveTaskUnavailable(
        Object.assign(new Error('x'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      ),
    ).toBe(false);
    expect(
      moveTaskUnavailable(
        Object.assign(new Error('x'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }),
      ),
    ).toBe(false);
    expect(moveTaskUnavailable('nope')).toBe(false);
  });
});
