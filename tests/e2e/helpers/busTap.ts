import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { queueRoutedFrom } from '../../helpers/aws';
import type { TestStack } from './localStack';

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
