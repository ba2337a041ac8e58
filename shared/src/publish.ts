import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { DataOf, DetailOf, EventContract, EventMetadata, ServiceName } from './envelope';
import { ContractViolationError, PublishError } from './errors';
import type { ContractsProducedBy } from './events';
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

/** One {@link OutgoingEvent} per contract of the union `C`, so each event's data must be its own contract's. */
type OutgoingEach<C> = C extends EventContract ? OutgoingEvent<C> : never;

/** An event `S` may publish: one of the contracts whose declaration names `S` among its producers. */
export type OutgoingEventOf<S extends ServiceName> = OutgoingEach<ContractsProducedBy<S>[number]>;

export interface PublishedEvent {
  detailType: string;
  metadata: EventMetadata;
}

/** Publishes events of the union `E`. A property, not a method, so that its parameter is checked strictly. */
export interface EventPublisher<E> {
  readonly publish: (events: readonly E[]) => Promise<PublishedEvent[]>;
}

/**
 * Publishes the events of service `S`, and only those: an event whose contract does not name `S` as a
 * producer does not compile, and a `Publisher<'reaper'>` cannot be handed to a port that expects
 * another service's publisher. `Publisher` alone accepts every event (test doubles).
 */
export type Publisher<S extends ServiceName = ServiceName> = EventPublisher<OutgoingEventOf<S>>;

export interface PublisherOptions<S extends ServiceName> {
  client: EventBridgeClient;
  busName: string;
  /** The producing service, e.g. `slack-ingress`; the Source is `branch-envs.<producer>`. */
  producer: S;
  now?: () => Date;
}

/**
 * Builds an event without sending it, so the same envelope logic serves tests and the publisher.
 * Refuses a producer the contract does not declare: the types say so too, but a cast would not.
 */
export const buildEvent = <E extends OutgoingEvent>(
  event: E,
  producer: ServiceName,
  now: Date,
): { detailType: string; detail: DetailOf<E['contract']> } => {
  const { contract, data, cause, key } = event;
  if (!(contract.producers as readonly ServiceName[]).includes(producer)) {
    const declared = contract.producers.join(', ') || 'none';
    throw new ContractViolationError(contract.detailType, [
      `producer: ${producer} is not a declared producer (declared: ${declared})`,
    ]);
  }
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
  return { detailType: contract.detailType, detail: parsed.data as DetailOf<E['contract']> };
};

/**
 * Publishes domain events on the bus. Every event is validated before anything is sent, entries go in
 * batches of at most 10, and any entry EventBridge refuses raises a {@link PublishError} so the caller's
 * message is retried rather than silently lost.
 */
export const createPublisher = <S extends ServiceName>({
  client,
  busName,
  producer,
  now = () => new Date(),
}: PublisherOptions<S>): Publisher<S> => ({
  async publish(events) {
    const at = now();
    const built = events.map((e) => buildEvent<OutgoingEvent>(e, producer, at));
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
