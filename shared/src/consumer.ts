import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { DetailOf, EventContract } from './envelope';
import { ContractViolationError } from './errors';
import { loggerFor, logger as rootLogger } from './observability';

/** One consumed event, narrowed by `detailType` to its contract's detail. */
export type ConsumedEvent<Cs extends readonly EventContract[]> = {
  [K in keyof Cs]: Cs[K] extends EventContract
    ? {
        detailType: Cs[K]['detailType'];
        detail: DetailOf<Cs[K]>;
        /** Set when EventBridge re-delivers from the archive; logged, never used as a key. */
        replayName?: string;
      }
    : never;
}[number];

export interface ConsumerContext {
  logger: Logger;
  lambdaContext: Context;
  /** The SQS record the event came in. */
  record: SQSRecord;
  /**
   * How many times SQS has delivered this record, this time included: a handler that must answer
   * rather than retry on the queue's last delivery compares it with maxReceiveCount.
   */
  receiveCount: number;
}

/** A record's `ApproximateReceiveCount` as a number; 1 when absent or unreadable (a first delivery). */
export const receiveCountOf = (record: SQSRecord): number => {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
};

export type EventHandler<Cs extends readonly EventContract[]> = (
  event: ConsumedEvent<Cs>,
  context: ConsumerContext,
) => Promise<void>;

export interface EventConsumerOptions<Cs extends readonly EventContract[]> {
  contracts: Cs;
  handler: EventHandler<Cs>;
  /** Where handled eventIds are remembered (the idempotency table in deployed stacks). */
  persistenceStore: BasePersistenceLayer;
  /** How long an eventId is remembered; longer than the archive replay window you expect to use. */
  expiresAfterSeconds?: number;
  /**
   * Handle a batch's records one after another, in order, instead of concurrently. For consumers
   * whose effects must follow the order events arrive in (one Slack message updated in place).
   */
  sequential?: boolean;
  logger?: Logger;
}

const recordSchema = <Cs extends readonly EventContract[]>(contracts: Cs) =>
  z.object({
    messageId: z.string(),
    body: JSONStringified(
      EventBridgeSchema.extend({
        // moto's EventBridge omits `account`; nothing here reads it, so do not make it a poison pill.
        account: z.string().optional(),
        'detail-type': z.enum(contracts.map((c) => c.detailType) as [string, ...string[]]),
        detail: z.unknown(),
        'replay-name': z.string().optional(),
      }),
    ),
  });

/** Just enough of a detail to choose between versions of one detail-type. */
const VersionOfDetail = z.object({ metadata: z.object({ schemaVersion: z.number() }) });

/** The contract of this detail-type whose version the detail names, else the first (for its errors). */
const contractFor = (contracts: readonly EventContract[], detailType: string, detail: unknown) => {
  const versions = contracts.filter((c) => c.detailType === detailType);
  const version = VersionOfDetail.safeParse(detail).data?.metadata.schemaVersion;
  return versions.find((c) => c.schemaVersion === version) ?? versions[0];
};

/**
 * Builds the Lambda handler for an SQS queue fed by an EventBridge rule. Each record is parsed against
 * its contract, then run once per `metadata.eventId` — never per SQS or EventBridge id, which change
 * when the archive is replayed. Failures come back as partial batch responses so only the failed
 * records are retried and, after the queue's maxReceiveCount, land in its DLQ.
 */
export const createEventConsumer = <const Cs extends readonly EventContract[]>(
  options: EventConsumerOptions<Cs>,
): ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
  const { contracts, handler, persistenceStore, expiresAfterSeconds = 7 * 24 * 3600 } = options;
  const baseLogger = options.logger ?? rootLogger;
  const schema = recordSchema(contracts);
  const processor = new BatchProcessor(EventType.SQS);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'detail.metadata.eventId',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds,
  });

  const handleOnce = makeIdempotent(
    async (event: ConsumedEvent<Cs>, context: ConsumerContext): Promise<{ handled: true }> => {
      await handler(event, context);
      return { handled: true };
    },
    { persistenceStore, config },
  );

  const parseRecord = (record: SQSRecord): ConsumedEvent<Cs> => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      throw new ContractViolationError(
        '(envelope)',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    }
    const envelope = parsed.data.body;
    const contract = contractFor(contracts, envelope['detail-type'], envelope.detail);
    const detail = contract?.detail.safeParse(envelope.detail);
    if (!contract || !detail?.success) {
      const issues =
        detail?.success === false ? detail.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : [];
      throw new ContractViolationError(envelope['detail-type'], issues);
    }
    return {
      detailType: contract.detailType,
      detail: detail.data,
      replayName: envelope['replay-name'],
    } as ConsumedEvent<Cs>;
  };

  return async (event, lambdaContext) => {
    config.registerLambdaContext(lambdaContext);
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      let consumed: ConsumedEvent<Cs>;
      try {
        consumed = parseRecord(record);
      } catch (error) {
        baseLogger.error('Returning a record that does not match its contract to the queue', {
          messageId: record.messageId,
          error,
        });
        throw error;
      }
      const { metadata } = consumed.detail as DetailOf<EventContract>;
      const log = loggerFor({ correlationId: metadata.correlationId, eventId: metadata.eventId }, baseLogger);
      if (consumed.replayName) log.info('Handling a replayed event', { replayName: consumed.replayName });
      const receiveCount = receiveCountOf(record);
      try {
        await handleOnce(consumed, { logger: log, lambdaContext, record, receiveCount });
      } catch (error) {
        // Without this, a record that fails until the DLQ leaves no trace of why (issue 17).
        log.warn('Record failed; SQS delivers it again until maxReceiveCount, then the DLQ', {
          detailType: consumed.detailType,
          receiveCount,
          error,
        });
        throw error;
      }
    };
    return processPartialResponse(event, recordHandler, processor, {
      context: lambdaContext,
      throwOnFullBatchFailure: false,
      processInParallel: !options.sequential,
    });
  };
};
