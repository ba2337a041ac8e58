import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';

/**
 * How many times SQS has delivered each record of the current batch, by `detail.metadata.eventId`.
 * The shared consumer hands the handler the parsed event but not its SQS record, and the batch
 * processor runs records concurrently, so the counts travel in an AsyncLocalStorage scoped to one
 * invocation rather than in module state.
 */
const counts = new AsyncLocalStorage<ReadonlyMap<string, number>>();

const EventIdOnly = z.object({ detail: z.object({ metadata: z.object({ eventId: z.string() }) }) });

const eventIdOf = (record: SQSRecord): string | undefined => {
  try {
    const parsed = EventIdOnly.safeParse(JSON.parse(record.body));
    return parsed.success ? parsed.data.detail.metadata.eventId : undefined;
  } catch {
    return undefined; // not JSON: the consumer rejects the record itself
  }
};

const countsOf = (event: SQSEvent): Map<string, number> => {
  const byEventId = new Map<string, number>();
  for (const record of event.Records) {
    const eventId = eventIdOf(record);
    const count = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
    if (eventId) byEventId.set(eventId, Math.max(count, byEventId.get(eventId) ?? 0));
  }
  return byEventId;
};

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Wraps the consumer so that {@link receiveCountOf} works inside its handler. */
export const withReceiveCounts =
  (handler: SqsHandler): SqsHandler =>
  (event, context) =>
    counts.run(countsOf(event), () => handler(event, context));

/** This delivery's ApproximateReceiveCount for the event being handled; 1 outside a batch. */
export const receiveCountOf = (eventId: string): number => counts.getStore()?.get(eventId) ?? 1;
