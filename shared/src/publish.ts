import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { DataOf, DetailOf, EventContract, EventMetadata } from './envelope';
import { ContractViolationError, PublishError } from './errors';
import { derivedId, newId } from './ids';

/** EventBridge's PutEvents limit. */
export const MAX_ENTRIES_PER_PUT = 10;

/**
 * What caused an outgoing event: the incoming event's metadata (correlation carried over, causation =
 * its eventId), or the start of a conversation with the correlation id to use (the deployId).
 */
export type Cause = Pick<EventMetadata, 'eventId' | 'correlationId'> | { correlationId: string };

/**
 * The eventId an event of `contract` caused by the event `causeEventId` gets (see {@link derivedId}).
 * A service that must publish the same outcome from two places (a probe and a phone-home) uses it to
 * know in advance the id the other path will use.
 */
export const causedEventId = (causeEventId: string, contract: Pick<EventContract, 'detailType'>, key = '') =>
  derivedId(causeEventId, contract.detailType, key);

export interface OutgoingEvent<C extends EventContract = EventContract> {
  contract: C;
  data: DataOf<C>;
  cause: Cause;
  /** Distinguishes several events of one type caused by the same event (e.g. one per deployment). */
  key?: string;
}

export interface PublishedEvent {
  detailType: string;
  metadata: EventMetadata;
}

export interface Publisher {
  publish(events: readonly OutgoingEvent[]): Promise<PublishedEvent[]>;
}

export interface PublisherOptions {
  client: EventBridgeClient;
  busName: string;
  /** The producing service, e.g. `slack-ingress`; the Source is `branch-envs.<producer>`. */
  producer: string;
  now?: () => Date;
}

/** Builds an event without sending it, so the same envelope logic serves tests and the publisher. */
export const buildEvent = <C extends EventContract>(
  event: OutgoingEvent<C>,
  producer: string,
  now: Date,
): { detailType: string; detail: DetailOf<C> } => {
  const { contract, data, cause, key } = event;
  const isEvent = 'eventId' in cause;
  const eventId = isEvent ? causedEventId(cause.eventId, contract, key) : newId(now.getTime());
  const metadata: EventMetadata = {
    eventId,
    schemaVersion: contract.schemaVersion,
    correlationId: cause.correlationId,
    causationId: isEvent ? cause.eventId : eventId,
    occurredAt: now.toISOString(),
    producer: `branch-envs.${producer}`,
  };
  const parsed = contract.detail.safeParse({ metadata, data });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ContractViolationError(contract.detailType, issues);
  }
  return { detailType: contract.detailType, detail: parsed.data as DetailOf<C> };
};

/**
 * Publishes domain events on the bus. Every event is validated before anything is sent, entries go in
 * batches of at most 10, and any entry EventBridge refuses raises a {@link PublishError} so the caller's
 * message is retried rather than silently lost.
 */
export const createPublisher = ({
  client,
  busName,
  producer,
  now = () => new Date(),
}: PublisherOptions): Publisher => ({
  async publish(events) {
    const at = now();
    const built = events.map((e) => buildEvent(e, producer, at));
    const entries: PutEventsRequestEntry[] = built.map((b) => ({
      EventBusName: busName,
      Source: `branch-envs.${producer}`,
      DetailType: b.detailType,
      Detail: JSON.stringify(b.detail),
      Time: at,
    }));
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_PUT) {
      const batch = entries.slice(i, i + MAX_ENTRIES_PER_PUT);
      const result = await client.send(new PutEventsCommand({ Entries: batch }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failed = (result.Entries ?? []).flatMap((entry, index) =>
          entry.ErrorCode
            ? [
                {
                  detailType: batch[index]?.DetailType ?? '?',
                  errorCode: entry.ErrorCode,
                  errorMessage: entry.ErrorMessage,
                },
              ]
            : [],
        );
        throw new PublishError(failed.length > 0 ? failed : [{ detailType: '?', errorCode: 'unknown' }]);
      }
    }
    return built.map((b) => ({ detailType: b.detailType, metadata: b.detail.metadata }));
  },
});
