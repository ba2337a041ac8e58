import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import { createQueueStore } from '@branch-envs/shared/deployments/queueStore';
import { newId } from '@branch-envs/shared/ids';
import { motoConfig } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createHeldSlots } from '../../src/adapters/heldSlots';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });

const entry = (state: QueueEntry['state'], overrides: Partial<QueueEntry> = {}): QueueEntry => {
  const at = new Date();
  return {
    entryId: newId(),
    query: 'ABC-123',
    ttlSeconds: 3600,
    owner: { userId: 'U0QUEUED1', teamId: 'T0001ABCD', userName: 'q' },
    replyTo: { userId: 'U0QUEUED1', channelId: 'C0123ABCD', issuedAt: at.toISOString() },
    enqueuedAt: at.toISOString(),
    expiresAt: Math.floor(at.getTime() / 1000) + 3600,
    state,
    ...overrides,
  };
};

describe('the slots the deploy queue holds, read from the queue item (moto)', () => {
  it('are the started entries, as the deployments they start as, and none before the queue exists', async () => {
    // Prepare
    const tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
    const store = createQueueStore({ client: documents, tableName });
    const heldSlots = createHeldSlots(store);
    const before = await heldSlots();
    const startedAs = newId();
    await store.update(() => ({
      entries: [
        entry('waiting'),
        entry('started', { startedAs, startedAt: new Date().toISOString() }),
        entry('ended', { endReason: 'expired', endedAt: new Date().toISOString() }),
      ],
      result: undefined,
    }));

    // Act
    const held = await heldSlots();

    // Assess
    expect(before).toEqual([]);
    expect(held).toEqual([{ deployId: startedAs, ownerId: 'U0QUEUED1', query: 'ABC-123' }]);
  });
});
