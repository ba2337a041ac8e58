import {
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { stageNames } from '../../../src/ops/names';
import { countArchivedEvents } from '../../../src/ops/replayCount';

const ebMock = mockClient(EventBridgeClient);
const sqsMock = mockClient(SQSClient);
const clients = { eventBridge: new EventBridgeClient({}), sqs: new SQSClient({}) };
const names = stageNames('production-eu');
const window = { from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T11:00:00Z') };
const ruleArn = 'arn:aws:events:eu-north-1:123456789012:rule/branch-envs-production-eu-bus/count';
const queueUrl = 'https://sqs.eu-north-1.amazonaws.com/123456789012/count';

const prepareTap = () => {
  ebMock.on(PutRuleCommand).resolves({ RuleArn: ruleArn });
  sqsMock.on(CreateQueueCommand).resolves({ QueueUrl: queueUrl });
  sqsMock
    .on(GetQueueAttributesCommand)
    .resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-north-1:123456789012:count' } });
  ebMock.on(DescribeArchiveCommand).resolves({
    ArchiveArn: 'arn:aws:events:eu-north-1:123456789012:archive/branch-envs-production-eu-archive',
    EventSourceArn: 'arn:aws:events:eu-north-1:123456789012:event-bus/branch-envs-production-eu-bus',
  });
};

beforeEach(() => {
  ebMock.reset();
  sqsMock.reset();
});

describe('countArchivedEvents', () => {
  it('replays only to its own rule, counts what that rule delivered by type, and removes rule and queue', async () => {
    // Prepare
    prepareTap();
    ebMock.on(DescribeReplayCommand).resolves({ State: 'COMPLETED' });
    const event = (type: string) => ({ ReceiptHandle: type, Body: JSON.stringify({ 'detail-type': type }) });
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [event('InstanceReady'), event('BranchResolved'), event('BranchResolved')] })
      .resolves({});

    // Act
    const count = await countArchivedEvents(clients, names, window, {
      sleep: () => Promise.resolve(),
      quietMs: 50,
      now: window.to,
    });

    // Assess
    expect(count).toMatchObject({ total: 3, byType: { BranchResolved: 2, InstanceReady: 1 } });
    const rule = ebMock.commandCalls(PutRuleCommand)[0]?.args[0].input;
    expect(rule?.Name?.length).toBeLessThanOrEqual(64);
    expect(JSON.parse(rule?.EventPattern ?? '{}')).toEqual({
      source: [{ prefix: 'branch-envs.' }],
      'replay-name': [count.replayName],
    });
    const replay = ebMock.commandCalls(StartReplayCommand)[0]?.args[0].input;
    expect(replay).toMatchObject({
      ReplayName: count.replayName,
      EventStartTime: window.from,
      EventEndTime: window.to,
    });
    expect(replay?.Destination?.FilterArns).toEqual([ruleArn]);
    const policy = JSON.parse(
      sqsMock.commandCalls(SetQueueAttributesCommand)[0]?.args[0].input.Attributes?.Policy ?? '{}',
    );
    expect(policy.Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': ruleArn } });
    expect(ebMock.commandCalls(PutTargetsCommand)).toHaveLength(1);
    expect(sqsMock.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1);
    expect(ebMock.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(sqsMock.commandCalls(DeleteQueueCommand)[0]?.args[0].input.QueueUrl).toBe(queueUrl);
  });

  it('removes the rule it made when creating the queue fails, and passes the error on', async () => {
    // Prepare
    ebMock.on(PutRuleCommand).resolves({ RuleArn: ruleArn });
    sqsMock.on(CreateQueueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    // Act / Assess
    await expect(countArchivedEvents(clients, names, window, { now: window.to })).rejects.toThrow('denied');
    expect(ebMock.commandCalls(RemoveTargetsCommand)).toHaveLength(1);
    expect(ebMock.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(sqsMock.commandCalls(DeleteQueueCommand)).toHaveLength(0);
  });

  it("fails with the replay's reason, after cleaning up, when the counting replay fails", async () => {
    prepareTap();
    ebMock.on(DescribeReplayCommand).resolves({ State: 'FAILED', StateReason: 'Archive is disabled' });

    await expect(
      countArchivedEvents(clients, names, window, { sleep: () => Promise.resolve(), now: window.to }),
    ).rejects.toThrow(/ended FAILED: Archive is disabled/);
    expect(sqsMock.commandCalls(DeleteQueueCommand)).toHaveLength(1);
  });
});
