import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { motoConfig } from '../../../tests/helpers/aws';
import { createPlatformTable } from '../../../tests/helpers/tables';
import { createDeploymentRepository } from '../../src/deployments/repository';
import type { DeploymentRecord } from '../../src/deployments/table';
import { TransitionConflictError } from '../../src/errors';
import { DeployRequested } from '../../src/events';
import { newId } from '../../src/ids';
import { fixtureData } from '../helpers/factories';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });

const recordFor = (overrides: Partial<DeploymentRecord> = {}): DeploymentRecord => {
  const { owner, replyTo, query } = fixtureData(DeployRequested);
  return {
    kind: 'deployment',
    deployId: newId(),
    status: 'RESOLVED',
    query,
    branch: 'feature/ABC-123-login-page',
    owner,
    ownerId: owner.userId,
    channelId: replyTo.channelId,
    replyTo,
    responseUrlUses: 0,
    createdAt: new Date().toISOString(),
    ttlSeconds: 3600,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    keepOvernight: false,
    history: [],
    version: 0,
    ...overrides,
  };
};

describe('deployment repository (moto)', () => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  });
  const repo = () => createDeploymentRepository({ client: documents, tableName });

  it('takes a transition whose answer was lost as its own when the record carries its mark, and as a lost race otherwise', async () => {
    // Prepare: the first attempt's write is applied, its answer lost, and the same request sent again
    const record = recordFor();
    await repo().create(record);
    const mark = { instanceId: 'i-0abc123def4567890' };
    await repo().transition(record.deployId, { to: 'LAUNCHING', step: 'claim', set: mark });

    // Act
    const resent = await repo().transition(record.deployId, {
      to: 'LAUNCHING',
      step: 'claim',
      set: mark,
      isOwnWrite: (current) => current.instanceId === mark.instanceId,
    });
    const rival = repo().transition(record.deployId, {
      to: 'LAUNCHING',
      step: 'claim',
      set: { instanceId: 'i-0fffffffffffffff0' },
      isOwnWrite: (current) => current.instanceId === 'i-0fffffffffffffff0',
    });

    // Assess
    expect(resent).toMatchObject({ status: 'LAUNCHING', instanceId: mark.instanceId });
    await expect(rival).rejects.toBeInstanceOf(TransitionConflictError);
  });

  it('lets exactly one of five concurrent claims move RESOLVED to LAUNCHING', async () => {
    const record = recordFor();
    await repo().create(record);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => repo().transition(record.deployId, { to: 'LAUNCHING', step: 'claim' })),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(losers).toHaveLength(4);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(TransitionConflictError);
  });

  it('never moves a TERMINATED record back, and says what state it found', async () => {
    const record = recordFor({ status: 'TERMINATED' });
    await repo().create(record);

    const act = repo().transition(record.deployId, { to: 'READY', step: 'late probe' });

    await expect(act).rejects.toThrow(/cannot move to READY: it is TERMINATED/);
  });

  it('appends history and sets the purge ttl when a deployment terminates', async () => {
    const record = recordFor({ status: 'READY' });
    await repo().create(record);

    await repo().transition(record.deployId, { to: 'TERMINATING', step: 'ttl expired' });
    const done = await repo().transition(record.deployId, {
      to: 'TERMINATED',
      step: 'instance gone',
      set: { url: undefined },
    });

    expect(done.history.map((h) => h.step)).toEqual(['ttl expired', 'instance gone']);
    expect(done.ttl).toBeGreaterThan(done.expiresAt);
  });

  it('refuses to create over a tombstone and returns the tombstone instead', async () => {
    const record = recordFor();
    const placed = await repo().putTombstone(record.deployId, record.owner);

    const outcome = await repo().create(record);

    expect(placed).toBe(true);
    expect(outcome).toMatchObject({ created: false, existing: { kind: 'tombstone', status: 'TERMINATING' } });
  });

  it('finds expired records of one status through the GSI, and only those', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = recordFor({ status: 'READY', expiresAt: now - 10 });
    const fresh = recordFor({ status: 'READY', expiresAt: now + 3600 });
    const otherStatus = recordFor({ status: 'TERMINATED', expiresAt: now - 10 });
    for (const r of [expired, fresh, otherStatus]) await repo().create(r);

    const found: string[] = [];
    for await (const r of repo().expiringBy('READY', now)) found.push(r.deployId);

    expect(found).toContain(expired.deployId);
    expect(found).not.toContain(fresh.deployId);
    expect(found).not.toContain(otherStatus.deployId);
  });

  it('finds every record of one status through the GSI, however far off its expiry, soonest first', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const farOff = recordFor({ status: 'RUNNING', expiresAt: now + 10 * 365 * 86_400 });
    const past = recordFor({ status: 'RUNNING', expiresAt: now - 3600 });
    const soon = recordFor({ status: 'RUNNING', expiresAt: now + 60 });
    const otherStatus = recordFor({ status: 'LAUNCHING', expiresAt: now });
    for (const r of [farOff, past, soon, otherStatus]) await repo().create(r);

    // Act
    const found: string[] = [];
    for await (const r of repo().byStatus('RUNNING')) found.push(r.deployId);

    // Assess
    const ours = found.filter((id) => [farOff, past, soon].some((r) => r.deployId === id));
    expect(ours).toEqual([past.deployId, soon.deployId, farOff.deployId]);
    expect(found).not.toContain(otherStatus.deployId);
  });

  it('lists an owner newest first through the owner GSI', async () => {
    const ownerId = 'U0LISTME1';
    const owner = { ...fixtureData(DeployRequested).owner, userId: ownerId };
    const older = recordFor({ owner, ownerId, createdAt: '2026-11-26T08:00:00.000Z' });
    const newer = recordFor({ owner, ownerId, createdAt: '2026-11-26T09:00:00.000Z' });
    for (const r of [older, newer]) await repo().create(r);

    const listed: string[] = [];
    for await (const r of repo().byOwner(ownerId)) listed.push(r.deployId);
    const all = await documents.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));

    expect(listed).toEqual([newer.deployId, older.deployId]);
    expect(all.Count).toBeGreaterThan(2);
  });
});

describe('deployment repository expiry updates (moto)', () => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  });
  const repo = () => createDeploymentRepository({ client: documents, tableName });
  const created = async (overrides: Partial<DeploymentRecord> = {}): Promise<DeploymentRecord> => {
    const record = recordFor({ status: 'READY', ...overrides });
    await repo().create(record);
    return (await repo().get(record.deployId)) as DeploymentRecord;
  };

  it('sets and removes expiry fields and appends the step, leaving the status alone', async () => {
    // Prepare
    const record = await created({ expiryWarnedFor: recordFor().expiresAt });
    const at = new Date('2026-11-26T10:00:00.000Z');

    // Act
    const updated = await repo().updateExpiry(record.deployId, {
      set: { expiresAt: record.expiresAt + 3600, keepOvernight: true },
      remove: ['expiryWarnedFor'],
      expect: { expiresAt: record.expiresAt },
      step: 'extended',
      note: '+1h',
      at,
    });

    // Assess
    expect(updated).toEqual({
      ...record,
      expiresAt: record.expiresAt + 3600,
      keepOvernight: true,
      expiryWarnedFor: undefined,
      history: [{ step: 'extended', at: at.toISOString(), note: '+1h' }],
    });
    expect(await repo().get(record.deployId)).toEqual(updated);
  });

  it('writes no history entry without a step', async () => {
    // Prepare
    const record = await created();

    // Act
    const updated = await repo().updateExpiry(record.deployId, {
      set: { expiryWarnedFor: record.expiresAt },
    });

    // Assess
    expect(updated?.expiryWarnedFor).toBe(record.expiresAt);
    expect(updated?.history).toEqual([]);
  });

  it('answers undefined and writes nothing when the record is not live or a field changed meanwhile', async () => {
    // Prepare
    const ending = await created({ status: 'TERMINATING' });
    const moved = await created();
    const warned = await created({ expiryWarnedFor: recordFor().expiresAt });

    // Act
    const outcomes = await Promise.all([
      repo().updateExpiry(ending.deployId, { set: { keepOvernight: true }, step: 'kept' }),
      repo().updateExpiry(moved.deployId, { set: { keepOvernight: true }, expect: { expiresAt: 1 } }),
      repo().updateExpiry(warned.deployId, {
        set: { expiryWarnedFor: warned.expiryWarnedFor },
        unless: { expiryWarnedFor: warned.expiryWarnedFor },
      }),
    ]);

    // Assess
    expect(outcomes).toEqual([undefined, undefined, undefined]);
    for (const record of [ending, moved, warned]) expect(await repo().get(record.deployId)).toEqual(record);
  });

  it('applies in any status when told so, but never creates a record', async () => {
    // Prepare
    const ending = await created({ status: 'TERMINATING', expiryWarnedFor: recordFor().expiresAt });
    const unknown = newId();

    // Act
    const updated = await repo().updateExpiry(ending.deployId, { remove: ['expiryWarnedFor'], from: 'any' });
    const missing = await repo().updateExpiry(unknown, { remove: ['expiryWarnedFor'], from: 'any' });

    // Assess
    expect(updated?.expiryWarnedFor).toBeUndefined();
    expect(updated?.status).toBe('TERMINATING');
    expect(missing).toBeUndefined();
    expect(await repo().get(unknown)).toBeUndefined();
  });

  it('refuses an update that would change nothing', async () => {
    // Prepare
    const record = await created();

    // Act
    const act = repo().updateExpiry(record.deployId, { expect: { expiresAt: record.expiresAt } });

    // Assess
    await expect(act).rejects.toThrow(/must set, remove or note something/);
  });
});
