import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { motoConfig } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createDeploymentStore } from '../../src/adapters/deploymentStore';
import { recordFor } from '../helpers/factories';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });

describe("the reaper's deployment store (moto)", () => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  });
  const store = () => createDeploymentStore({ client: documents, tableName });
  const seeded = async (overrides: Partial<DeploymentRecord> = {}): Promise<DeploymentRecord> => {
    const record = recordFor(overrides);
    await documents.send(new PutCommand({ TableName: tableName, Item: record }));
    return record;
  };
  const stored = async (deployId: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { deployId } }))).Item as
      | DeploymentRecord
      | undefined;

  describe('markWarned', () => {
    it('marks a live record once for its current expiry, and refuses a second mark', async () => {
      // Prepare
      const record = await seeded();

      // Act
      const first = await store().markWarned(record.deployId, record.expiresAt, record.expiresAt);
      const second = await store().markWarned(record.deployId, record.expiresAt, record.expiresAt);

      // Assess
      expect([first, second]).toEqual([true, false]);
      const after = await stored(record.deployId);
      expect(after?.expiryWarnedFor).toBe(record.expiresAt);
      expect(after?.history).toEqual(record.history);
    });

    it('refuses a record whose expiry changed, one that is not live, and one that does not exist', async () => {
      // Prepare
      const moved = await seeded();
      const ending = await seeded({ status: 'TERMINATING' });

      // Act
      const outcomes = await Promise.all([
        store().markWarned(moved.deployId, moved.expiresAt - 60, moved.expiresAt - 60),
        store().markWarned(ending.deployId, ending.expiresAt, ending.expiresAt),
        store().markWarned(recordFor().deployId, moved.expiresAt, moved.expiresAt),
      ]);

      // Assess
      expect(outcomes).toEqual([false, false, false]);
      expect((await stored(moved.deployId))?.expiryWarnedFor).toBeUndefined();
      expect(await stored(recordFor().deployId)).toBeUndefined();
    });
  });

  describe('unmarkWarned', () => {
    it('removes the mark it was told about, even from a record that is no longer live', async () => {
      // Prepare
      const record = await seeded({ status: 'TERMINATING' });
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { ...record, expiryWarnedFor: record.expiresAt } }),
      );

      // Act
      await store().unmarkWarned(record.deployId, record.expiresAt);

      // Assess
      expect((await stored(record.deployId))?.expiryWarnedFor).toBeUndefined();
    });

    it('leaves a mark for another expiry alone, and creates nothing for an unknown id', async () => {
      // Prepare
      const record = await seeded({ expiryWarnedFor: recordFor().expiresAt + 600 });
      const unknown = recordFor().deployId;

      // Act
      await store().unmarkWarned(record.deployId, record.expiresAt);
      await store().unmarkWarned(unknown, record.expiresAt);

      // Assess
      expect((await stored(record.deployId))?.expiryWarnedFor).toBe(record.expiryWarnedFor);
      expect(await stored(unknown)).toBeUndefined();
    });
  });

  describe('changeExpiry', () => {
    it('sets the new expiry and overnight flag, clears the warning and appends the step', async () => {
      // Prepare
      const record = await seeded({ expiryWarnedFor: recordFor().expiresAt });
      const at = new Date();

      // Act
      const updated = await store().changeExpiry(record.deployId, {
        expectedExpiresAt: record.expiresAt,
        expiresAt: record.expiresAt + 7200,
        keepOvernight: true,
        step: 'extended',
        note: 'by maija, +2h',
        at,
      });

      // Assess
      expect(updated).toMatchObject({ expiresAt: record.expiresAt + 7200, keepOvernight: true });
      expect(updated?.expiryWarnedFor).toBeUndefined();
      expect(updated?.history).toEqual([
        ...record.history,
        { step: 'extended', at: at.toISOString(), note: 'by maija, +2h' },
      ]);
      expect(await stored(record.deployId)).toEqual(updated);
    });

    it('answers undefined when the expiry moved meanwhile or the record is no longer live', async () => {
      // Prepare
      const moved = await seeded();
      const ending = await seeded({ status: 'TERMINATING' });
      const change = (expectedExpiresAt: number) => ({
        expectedExpiresAt,
        expiresAt: expectedExpiresAt + 3600,
        keepOvernight: false,
        step: 'extended',
        note: '+1h',
        at: new Date(),
      });

      // Act
      const outcomes = await Promise.all([
        store().changeExpiry(moved.deployId, change(moved.expiresAt - 1)),
        store().changeExpiry(ending.deployId, change(ending.expiresAt)),
        store().changeExpiry(recordFor().deployId, change(moved.expiresAt)),
      ]);

      // Assess
      expect(outcomes).toEqual([undefined, undefined, undefined]);
      expect(await stored(moved.deployId)).toEqual(moved);
      expect(await stored(ending.deployId)).toEqual(ending);
    });
  });

  describe('clearKeepOvernight', () => {
    it('clears the flag of a live record and notes that it was kept overnight', async () => {
      // Prepare
      const record = await seeded({ keepOvernight: true });
      const at = new Date();

      // Act
      const cleared = await store().clearKeepOvernight(record.deployId, at);

      // Assess
      expect(cleared).toBe(true);
      const after = await stored(record.deployId);
      expect(after?.keepOvernight).toBe(false);
      expect(after?.history).toEqual([...record.history, { step: 'kept overnight', at: at.toISOString() }]);
    });

    it('refuses a record without the flag, one that is not live, and one that does not exist', async () => {
      // Prepare
      const plain = await seeded();
      const ending = await seeded({ status: 'TERMINATING', keepOvernight: true });

      // Act
      const outcomes = await Promise.all([
        store().clearKeepOvernight(plain.deployId, new Date()),
        store().clearKeepOvernight(ending.deployId, new Date()),
        store().clearKeepOvernight(recordFor().deployId, new Date()),
      ]);

      // Assess
      expect(outcomes).toEqual([false, false, false]);
      expect(await stored(plain.deployId)).toEqual(plain);
      expect(await stored(ending.deployId)).toEqual(ending);
    });
  });
});
