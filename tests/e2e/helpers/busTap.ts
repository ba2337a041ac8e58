import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { queueRoutedFrom } from '../../helpers/aws';
import { type TestStack, waitUntil } from './localStack';

/** One domain event as the tap queue received it. */
export interface TappedEvent {
  detailType: string;
  detail: { metadata: { correlationId: string; eventId?: string }; data: Record<string, unknown> };
}

/** Matches an event about any deployment. */
export const ANY_DEPLOYMENT = '*';

/**
 * A queue on the local bus that records every `branch-envs.*` event, so scenarios assert on what
 * was published. `published` waits until an event of one of the types about the deployment has been
 * seen, and returns it; its error lists what was seen, and the stack's last output lines.
 */
export const tapTheBus = async (t: TestStack, name: string, defaultTimeoutMs = 20_000) => {
  const tapUrl = await queueRoutedFrom(
    t.stack.clients,
    'branch-envs-local-bus',
    { source: [{ prefix: 'branch-envs.' }] },
    { queue: name, rule: name },
  );
  const tapped: TappedEvent[] = [];
  const matches = (e: TappedEvent, types: readonly string[], deployId: string) =>
    types.includes(e.detailType) &&
    (deployId === ANY_DEPLOYMENT || e.detail.metadata.correlationId === deployId);
  const published = async (
    detailType: string | readonly string[],
    deployId: string,
    timeoutMs = defaultTimeoutMs,
  ): Promise<TappedEvent> => {
    const deadline = Date.now() + timeoutMs;
    const types = [detailType].flat();
    while (Date.now() < deadline) {
      const found = tapped.find((e) => matches(e, types, deployId));
      if (found) return found;
      const out = await t.stack.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of out.Messages ?? []) {
        const body = JSON.parse(m.Body ?? '{}');
        tapped.push({ detailType: body['detail-type'], detail: body.detail });
      }
    }
    throw new Error(
      `no ${types.join('/')} for ${deployId} within ${timeoutMs} ms; saw ${tapped.map((e) => e.detailType)}\n` +
        t.output.slice(-40).join('\n'),
    );
  };
  return { published, tapped };
};

/** One event as a draining tap keeps it: its type, correlation, whole detail and data. */
export interface DrainedEvent {
  detailType: string;
  correlationId: string;
  detail: Record<string, unknown>;
  data: Record<string, unknown>;
}

/**
 * A tap that deletes what it receives and keeps each eventId once, so a test can count what was
 * published (a redelivery or replay that publishes nothing new adds nothing). `waitFor` drains
 * until an event of the type matches.
 */
export const drainingTap = async (t: TestStack, name: string) => {
  const tapUrl = await queueRoutedFrom(
    t.stack.clients,
    'branch-envs-local-bus',
    { source: [{ prefix: 'branch-envs.' }] },
    { queue: name, rule: name },
  );
  const tapped: DrainedEvent[] = [];
  const seen = new Set<string>();
  const drain = async (): Promise<DrainedEvent[]> => {
    const out = await t.stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of out.Messages ?? []) {
      const body = JSON.parse(m.Body ?? '{}');
      const key = String(body.detail?.metadata?.eventId);
      if (seen.has(key)) continue;
      seen.add(key);
      tapped.push({
        detailType: body['detail-type'],
        correlationId: body.detail?.metadata?.correlationId,
        detail: body.detail ?? {},
        data: body.detail?.data ?? {},
      });
    }
    const entries = (out.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
    if (entries.length > 0)
      await t.stack.clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: tapUrl, Entries: entries }));
    return tapped;
  };
  const waitFor = (detailType: string, match: (e: DrainedEvent) => boolean, timeoutMs = 60_000) =>
    waitUntil(
      t,
      detailType,
      async () => (await drain()).find((e) => e.detailType === detailType && match(e)),
      timeoutMs,
    );
  return { tapped, drain, waitFor };
};
