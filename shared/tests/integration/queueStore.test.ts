import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { motoConfig } from '../../../tests/helpers/aws';
import { createPlatformTable } from '../../../tests/helpers/tables';
import { type QueueEntry, waitingOf } from '../../src/deployments/deployQueue';
import { createQueueStore } from '../../src/deployments/queueStore';
import { newId } from '../../src/ids';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });

const entry = (userId: string, at: number): QueueEntry => ({
  entryId: newId(at),
  query: 'login-page',
  ttlSeconds: 3600,
  owner: { userId, teamId: 'T0001', userName: userId.toLowerCase() },
  replyTo: { userId, channelId: 'C0001', issuedAt: new Date(at).toISOString() },
  enqueuedAt: new Date(at).toISOString(),
  expiresAt: Math.floor(at / 1000) + 3600,
  state: 'waiting',
});

describe('the deploy queue item (moto)', () => {
  let tableName: string;
  beforeEach(async () => {
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  });
  const store = () => createQueueStore({ client: documents, tableName, rounds: 50 });

  it('keeps every one of many concurrent enqueues', async () => {
    // Prepare
    const entries = Array.from({ length: 12 }, (_, i) => entry(`U00${i}`, Date.UTC(2026, 0, 1, 9, i)));

    // Act
    await Promise.all(
      entries.map((e) => store().update((queue) => ({ entries: [...queue.entries, e], result: undefined }))),
    );

    // Assess
    const queue = await store().read();
    expect(queue.entries.map((e) => e.entryId).sort()).toEqual(entries.map((e) => e.entryId).sort());
    expect(queue.version).toBe(12);
  });

  it('starts each waiting entry exactly once when claimants race for it', async () => {
    // Prepare
    const entries = [entry('U001', Date.UTC(2026, 0, 1, 9)), entry('U002', Date.UTC(2026, 0, 1, 10))];
    await store().update(() => ({ entries, result: undefined }));

    // Act: eight claimants each start the oldest waiting entry, if any is left
    const claimed = await Promise.all(
      Array.from({ length: 8 }, () =>
        store().update((queue) => {
          const [first] = waitingOf(queue.entries);
          if (!first) return { result: undefined };
          const next = queue.entries.map((e) =>
            e.entryId === first.entryId ? { ...e, state: 'started' as const, startedAs: newId() } : e,
          );
          return { entries: next, result: first.entryId };
        }),
      ),
    );

    // Assess
    const winners = claimed.map((c) => c.result).filter(Boolean);
    expect(winners.sort()).toEqual(entries.map((e) => e.entryId).sort());
    expect(waitingOf((await store().read()).entries)).toEqual([]);
  });

  it('writes nothing when the change has nothing to write', async () => {
    // Act
    const { queue } = await store().update(() => ({ result: 'unchanged' }));

    // Assess
    expect(queue.version).toBe(0);
    expect((await store().read()).version).toBe(0);
  });
});
