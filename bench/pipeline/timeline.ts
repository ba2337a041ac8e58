/**
 * Reads what the local stack recorded about each deploy into a {@link Timeline}: the events' envelopes
 * (a queue tapping the bus), the deployments table's history, the Slack catcher and the instance
 * simulator. Nothing here measures with its own clock except the slash command's send and ack.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local/src/stack/localStack';
import { queueRoutedFrom } from '../../tests/helpers/aws';
import type { Timeline } from './hops';

interface Tapped {
  detailType: string;
  deployId: string;
  occurredAt: number;
  data: Record<string, unknown>;
}

/** Every domain event on the bus, as the services published it. */
export class BusTap {
  public readonly events: Tapped[] = [];

  private constructor(
    private readonly stack: LocalStack,
    private readonly url: string,
  ) {}

  public static async attach(stack: LocalStack): Promise<BusTap> {
    const url = await queueRoutedFrom(
      stack.clients,
      'branch-envs-local-bus',
      { source: [{ prefix: 'branch-envs.' }] },
      { queue: 'bench-pipeline-tap', rule: 'bench-pipeline-tap' },
    );
    return new BusTap(stack, url);
  }

  /** Reads what has arrived (deleting nothing: the queue lives and dies with this stack's moto). */
  public async drain(): Promise<void> {
    for (;;) {
      const out = await this.stack.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.url, MaxNumberOfMessages: 10, VisibilityTimeout: 3600 }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) return;
      for (const m of messages) {
        const body = JSON.parse(m.Body ?? '{}');
        const metadata = body.detail?.metadata ?? {};
        this.events.push({
          detailType: String(body['detail-type']),
          deployId: String(metadata.correlationId),
          occurredAt: Date.parse(String(metadata.occurredAt)),
          data: body.detail?.data ?? {},
        });
      }
    }
  }

  public first(detailType: string, deployId: string): Tapped | undefined {
    return this.events.find((e) => e.detailType === detailType && e.deployId === deployId);
  }
}

interface HistoryEntry {
  step: string;
  at: string;
}

const launchedAt = async (stack: LocalStack, deployId: string): Promise<number | undefined> => {
  const client = DynamoDBDocumentClient.from(stack.clients.dynamodb);
  const { Item } = await client.send(
    new GetCommand({ TableName: stack.endpoints.deploymentsTable, Key: { deployId } }),
  );
  const history = (Item?.history ?? []) as HistoryEntry[];
  const entry = history.find((h) => h.step === 'instance launched');
  return entry ? Date.parse(entry.at) : undefined;
};

/** The first message the catcher received whose rendered lines contain every needle. */
const messageAt = (stack: LocalStack, ...needles: (string | undefined)[]): number | undefined => {
  if (needles.some((n) => !n)) return undefined;
  const found = stack.slack
    .messages()
    .find((m) => needles.every((n) => m.lines.join('\n').includes(String(n))));
  return found ? Date.parse(found.receivedAt) : undefined;
};

const healthyAt = (stack: LocalStack, instanceId: string | undefined, bootDelayMs: number) => {
  const instance = stack.simulator.instances().find((i) => i.instanceId === instanceId);
  return instance ? instance.firstSeen + bootDelayMs : undefined;
};

export interface Sent {
  deployId: string;
  user: string;
  sentAt: number;
  ackAt: number;
}

/** One deploy's moments, from the tap (drained first by the caller) and the stack's stand-ins. */
export const timelineOf = async (
  stack: LocalStack,
  tap: BusTap,
  sent: Sent,
  bootDelayMs: number,
): Promise<Timeline> => {
  const { deployId } = sent;
  const launched = tap.first('InstanceLaunched', deployId);
  const ready = tap.first('InstanceReady', deployId);
  const instanceId = launched ? String(launched.data.instanceId) : undefined;
  return {
    ...sent,
    requestedAt: tap.first('DeployRequested', deployId)?.occurredAt,
    resolvedAt: tap.first('BranchResolved', deployId)?.occurredAt,
    runInstancesAt: await launchedAt(stack, deployId),
    launchingMessageAt: messageAt(stack, 'Launching', instanceId),
    healthyAt: healthyAt(stack, instanceId, bootDelayMs),
    readyEventAt: ready?.occurredAt,
    readyMessageAt: messageAt(stack, ready ? String(ready.data.url) : undefined),
  };
};
