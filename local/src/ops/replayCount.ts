import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { StageNames } from './names';
import { type ReplayOptions, replayNameFor, startReplay, waitForReplay } from './replay';
import type { TimeWindow } from './timeWindow';

export interface ReplayCount {
  total: number;
  byType: Record<string, number>;
  replayName: string;
}

/** The temporary rule and queue, filled in as they are created, so a failure part-way removes what exists. */
interface CountingTap {
  ruleName: string;
  ruleArn?: string;
  queueUrl?: string;
}

/** A queue only this replay's rule may send to (the policy EventBridge needs for an SQS target). */
const queuePolicy = (queueArn: string, ruleArn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  });

const openTap = async (
  eb: EventBridgeClient,
  sqs: SQSClient,
  names: StageNames,
  tap: CountingTap,
  replayName: string,
) => {
  // Only events of this replay: live traffic on the bus never reaches the counting queue.
  const pattern = {
    source: [{ prefix: 'branch-envs.' }],
    'replay-name': [replayName],
  };
  const rule = await eb.send(
    new PutRuleCommand({
      Name: tap.ruleName,
      EventBusName: names.bus,
      EventPattern: JSON.stringify(pattern),
    }),
  );
  tap.ruleArn = rule.RuleArn ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: tap.ruleName }))).QueueUrl ?? '';
  tap.queueUrl = queueUrl;
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = attributes.Attributes?.QueueArn ?? '';
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: { Policy: queuePolicy(queueArn, tap.ruleArn) },
    }),
  );
  await eb.send(
    new PutTargetsCommand({
      Rule: tap.ruleName,
      EventBusName: names.bus,
      Targets: [{ Id: 'count', Arn: queueArn }],
    }),
  );
};

const closeTap = async (eb: EventBridgeClient, sqs: SQSClient, names: StageNames, tap: CountingTap) => {
  if (tap.ruleArn) {
    await eb.send(new RemoveTargetsCommand({ Rule: tap.ruleName, EventBusName: names.bus, Ids: ['count'] }));
    await eb.send(new DeleteRuleCommand({ Name: tap.ruleName, EventBusName: names.bus }));
  }
  if (tap.queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: tap.queueUrl }));
};

/** Receives until the queue has stayed empty for `quietMs` (deliveries may trail the replay's end). */
const drainCounting = async (sqs: SQSClient, queueUrl: string, quietMs: number) => {
  const byType: Record<string, number> = {};
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) continue;
    quietSince = Date.now();
    for (const m of messages) {
      const type = String(
        (JSON.parse(m.Body ?? '{}') as Record<string, unknown>)['detail-type'] ?? 'unknown',
      );
      byType[type] = (byType[type] ?? 0) + 1;
    }
    const Entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
  }
  return byType;
};

/**
 * EventBridge has no call that reads an archive, so a dry run replays the window to one rule only
 * (`FilterArns`), a temporary rule of its own whose queue it counts: no service sees the events.
 * The rule and the queue are removed afterwards, whatever happened.
 */
export const countArchivedEvents = async (
  clients: { eventBridge: EventBridgeClient; sqs: SQSClient },
  names: StageNames,
  window: TimeWindow,
  options: ReplayOptions & { quietMs?: number; now?: Date } = {},
): Promise<ReplayCount> => {
  const replayName = replayNameFor(
    'ops-count',
    names.prefix.replace('branch-envs-', ''),
    options.now ?? new Date(),
  );
  // branch-envs-<stage>-ops-count-<time>: within the 64 characters of a rule name for any stage.
  const tap: CountingTap = { ruleName: `${names.prefix}-ops-count-${Date.now().toString(36)}` };
  try {
    await openTap(clients.eventBridge, clients.sqs, names, tap, replayName);
    await startReplay(clients.eventBridge, names, window, replayName, [tap.ruleArn ?? '']);
    const outcome = await waitForReplay(clients.eventBridge, replayName, window, options);
    if (outcome.state !== 'COMPLETED')
      throw new Error(
        `the counting replay ${replayName} ended ${outcome.state}${outcome.reason ? `: ${outcome.reason}` : ''}`,
      );
    const byType = await drainCounting(clients.sqs, tap.queueUrl ?? '', options.quietMs ?? 5000);
    return { total: Object.values(byType).reduce((a, b) => a + b, 0), byType, replayName };
  } finally {
    await closeTap(clients.eventBridge, clients.sqs, names, tap);
  }
};
