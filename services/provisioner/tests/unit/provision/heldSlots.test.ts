import { Logger } from '@aws-lambda-powertools/logger';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import { newId } from '@branch-envs/shared/ids';
import type { HeldSlot } from '../../../src/domain/ports';
import { newRecord } from '../../../src/domain/provision/provisioner';
import type { ProvisionSettings } from '../../../src/domain/settings';
import { ownedBy, provisionSettings, resolvedDetail } from '../../helpers/factories';
import { provisionerWorld } from '../../helpers/provisionerWorld';

const NOW = new Date('2026-11-26T09:00:05.000Z');
const log = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });

/** The provisioner with the queue's held slots as the queue item would give them (ADR 0031). */
const setup = (settings: ProvisionSettings, held: HeldSlot[]) => {
  const world = provisionerWorld(NOW, settings);
  world.ports.heldSlots = async () => held;
  return world;
};

const requested = (detail: ReturnType<typeof resolvedDetail>): DeploymentRecord => ({
  ...newRecord(detail, NOW),
  status: 'REQUESTED',
  history: [{ step: 'requested', at: NOW.toISOString() }],
});

const heldFor = (userId: string, deployId = newId()): HeldSlot => ({
  deployId,
  ownerId: userId,
  query: 'ABC-123',
});

describe('the quota with slots the deploy queue holds (ADR 0031)', () => {
  it('refuses a /deploy typed while a started queued request is REQUESTED, so the queue keeps the slot', async () => {
    // Prepare: two slots; one environment runs, the other slot was given to a queued request
    const settings = provisionSettings({ quota: { maxLiveTotal: 2 } });
    const running = resolvedDetail();
    const typed = resolvedDetail();
    const { repository, publisher, instances, handle } = setup(settings, [heldFor('U0QUEUED1')]);
    await repository.create({ ...newRecord(running, NOW), status: 'READY' });
    await repository.create(requested(typed));

    // Act
    await handle({ detail: typed, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect((await repository.get(typed.data.deployId))?.status).toBe('REJECTED');
    expect(publisher.dataOf(DeployRejected)[0]?.reason).toMatchObject({
      code: 'quota_exceeded',
      scope: 'total',
      limit: 2,
    });
  });

  it('launches the queued request itself: its own held slot is not counted against it', async () => {
    // Prepare
    const settings = provisionSettings({ quota: { maxLiveTotal: 2, maxLivePerUser: 1 } });
    const running = resolvedDetail();
    const queued = resolvedDetail();
    const held = heldFor(queued.data.owner.userId, queued.data.deployId);
    const { repository, instances, handle } = setup(settings, [held]);
    await repository.create({ ...newRecord(running, NOW), status: 'READY' });
    await repository.create(requested(queued));

    // Act
    await handle({ detail: queued, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
  });

  it('counts a held slot once when the index already shows its deployment', async () => {
    // Prepare: the held deployment is RESOLVED already; one slot is left for the typed deploy
    const settings = provisionSettings({ quota: { maxLiveTotal: 2 } });
    const queued = resolvedDetail();
    const typed = resolvedDetail();
    const { repository, instances, handle } = setup(settings, [
      heldFor(queued.data.owner.userId, queued.data.deployId),
    ]);
    await repository.create({ ...newRecord(queued, NOW), status: 'RESOLVED' });
    await repository.create(requested(typed));

    // Act
    await handle({ detail: typed, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
  });

  it("counts the user's own held slot against their limit and lists it as starting", async () => {
    // Prepare
    const settings = provisionSettings({ quota: { maxLivePerUser: 1 } });
    const typed = resolvedDetail();
    const held = heldFor(typed.data.owner.userId);
    const { repository, publisher, instances, handle } = setup(settings, [held]);
    await repository.create(requested(typed));

    // Act
    await handle({ detail: typed, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(publisher.dataOf(DeployRejected)[0]?.reason).toMatchObject({
      code: 'quota_exceeded',
      scope: 'user',
      live: [{ deployId: held.deployId, branch: 'ABC-123', status: 'STARTING (from the queue)' }],
    });
  });

  it("leaves another user's held slot out of this user's limit", async () => {
    // Prepare
    const settings = provisionSettings({ quota: { maxLivePerUser: 1 } });
    const typed = resolvedDetail({ data: ownedBy('U0TYPIST1') });
    const { repository, instances, handle } = setup(settings, [heldFor('U0QUEUED1')]);
    await repository.create(requested(typed));

    // Act
    await handle({ detail: typed, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
  });
});
