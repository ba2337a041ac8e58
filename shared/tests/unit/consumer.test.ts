import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { createEventConsumer, receiveCountOf } from '../../src/consumer';
import { DeployRequested } from '../../src/events';
import { newId } from '../../src/ids';
import { fixtureDetail, lambdaContext, sqsEvent, sqsRecordFor } from '../helpers/factories';
import { memoryPersistenceStore } from '../helpers/memoryPersistence';

const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** A DeployRequested with an eventId of its own, so the idempotency store never mixes two tests. */
const requested = () => {
  const detail = fixtureDetail(DeployRequested);
  return { ...detail, metadata: { ...detail.metadata, eventId: newId() } };
};

const deliveredTimes = (record: SQSRecord, count: string | undefined): SQSRecord => {
  const { ApproximateReceiveCount: _, ...rest } = record.attributes;
  return {
    ...record,
    attributes: (count === undefined
      ? rest
      : { ...rest, ApproximateReceiveCount: count }) as SQSRecord['attributes'],
  };
};

const seenBy = () => {
  const seen: { messageId: string; eventId: string; receiveCount: number }[] = [];
  const consumer = createEventConsumer({
    contracts: [DeployRequested],
    persistenceStore: memoryPersistenceStore(),
    logger: silent,
    handler: async (event, context) => {
      const { messageId } = context.record;
      seen.push({ messageId, eventId: event.detail.metadata.eventId, receiveCount: context.receiveCount });
    },
  });
  return { seen, consumer };
};

describe('createEventConsumer', () => {
  it('logs why a record failed (a chaos-run DLQ message had no trace of its cause)', async () => {
    // Prepare
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const record = deliveredTimes(sqsRecordFor(DeployRequested.detailType, requested()), '3');
    const consumer = createEventConsumer({
      contracts: [DeployRequested],
      persistenceStore: memoryPersistenceStore(),
      logger: silent,
      handler: async () => {
        throw new Error('throttled');
      },
    });

    // Act
    const response = await consumer(sqsEvent(record), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Record failed'),
      expect.objectContaining({ detailType: 'DeployRequested', receiveCount: 3, error: expect.any(Error) }),
    );
    warn.mockRestore();
  });

  it("hands the handler each event's SQS record and how often SQS delivered it", async () => {
    // Prepare
    const first = requested();
    const second = requested();
    const firstRecord = sqsRecordFor(DeployRequested.detailType, first);
    const secondRecord = deliveredTimes(sqsRecordFor(DeployRequested.detailType, second), '4');
    const { seen, consumer } = seenBy();

    // Act
    const response = await consumer(sqsEvent(firstRecord, secondRecord), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(seen.sort((a, b) => a.receiveCount - b.receiveCount)).toEqual([
      { messageId: firstRecord.messageId, eventId: first.metadata.eventId, receiveCount: 1 },
      { messageId: secondRecord.messageId, eventId: second.metadata.eventId, receiveCount: 4 },
    ]);
  });

  it('counts a record without ApproximateReceiveCount as a first delivery', async () => {
    // Prepare
    const record = deliveredTimes(sqsRecordFor(DeployRequested.detailType, requested()), undefined);
    const { seen, consumer } = seenBy();

    // Act
    await consumer(sqsEvent(record), lambdaContext());

    // Assess
    expect(seen.map((s) => s.receiveCount)).toEqual([1]);
  });

  it('returns a record that is not JSON to the queue without calling the handler', async () => {
    // Prepare
    const good = sqsRecordFor(DeployRequested.detailType, requested());
    const broken = { ...sqsRecordFor(DeployRequested.detailType, requested()), body: 'not json' };
    const { seen, consumer } = seenBy();

    // Act
    const response = await consumer(sqsEvent(good, broken), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: broken.messageId }]);
    expect(seen.map((s) => s.messageId)).toEqual([good.messageId]);
  });
});

describe('receiveCountOf', () => {
  it.each([
    ['3', 3],
    ['1', 1],
    [undefined, 1],
    ['', 1],
    ['0', 1],
    ['many', 1],
  ])('reads ApproximateReceiveCount %p as %p', (count, expected) => {
    // Prepare
    const record = deliveredTimes(sqsRecordFor(DeployRequested.detailType, {}), count);

    // Act + Assess
    expect(receiveCountOf(record)).toBe(expected);
  });
});
