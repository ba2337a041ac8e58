/**
 * The `home` function: HomeRequested and lifecycle events in (SQS records as the rule delivers them),
 * Slack's views.publish out. Fake ports except the consumer, which is the real one with an in-memory
 * idempotency store, so a duplicate eventId really is dropped.
 */
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { HomeRequested, InstanceTerminated } from '@branch-envs/shared/events';
import { fixtureDetail, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { memoryPersistenceStore } from '../../../../shared/tests/helpers/memoryPersistence';
import type { HomeView } from '../../src/domain/home/homeBlocks';
import type { HomePorts, HomeSettings } from '../../src/domain/home/ports';
import { createHomeHandler } from '../../src/handlers/createHomeHandler';
import {
  ADMIN,
  DEPLOY_ID,
  deploymentItem,
  lambdaContext,
  OTHER_USER,
  silentLogger,
  USER,
} from '../helpers/factories';

const settings: HomeSettings = {
  deployCommand: '/deploy',
  policy: { allowedUsers: new Set([USER, OTHER_USER]), adminUsers: new Set([ADMIN]), allowedUserGroups: [] },
  nightly: { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' },
  quotas: { perUser: 3, total: 20 },
};

const harness = (records: DeploymentRecord[] = [deploymentItem()], failPublish = 0) => {
  const published: { userId: string; view: HomeView }[] = [];
  let failures = failPublish;
  const ports: HomePorts = {
    views: {
      publish: async (userId, view) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('slack down');
        }
        published.push({ userId, view });
      },
    },
    groups: { isMemberOfAny: async () => false },
    deployments: {
      get: async (id): Promise<DeploymentItem | undefined> => records.find((r) => r.deployId === id),
      live: async () => records,
    },
    now: () => new Date('2026-11-26T13:00:00.000Z'),
  };
  const handler = createHomeHandler({
    settings,
    ports,
    persistenceStore: memoryPersistenceStore(),
    logger: silentLogger(),
  });
  return {
    published,
    run: (...details: [string, unknown][]) =>
      handler(sqsEvent(...details.map(([t, d]) => sqsRecordFor(t, d))), lambdaContext('home')),
  };
};

/** InstanceTerminated as the sweep or an orphan reconcile sends it: nobody asked, so no replyTo. */
const unrequestedTermination = () => {
  const { replyTo: _replyTo, terminatedBy: _by, ...data } = fixtureDetail(InstanceTerminated).data;
  return { ...fixtureDetail(InstanceTerminated), data };
};

const homeRequested = (userId = USER) => {
  const detail = fixtureDetail(HomeRequested);
  return { ...detail, data: { ...detail.data, userId } };
};

describe('the home function', () => {
  it('publishes the Home tab of the user who opened it, with their environment and its buttons', async () => {
    // Prepare
    const { published, run } = harness();

    // Act
    const result = await run(['HomeRequested', homeRequested()]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(published.map((p) => p.userId)).toEqual([USER]);
    const values = published[0]?.view.blocks.flatMap((b) =>
      b.type === 'actions' ? b.elements.map((e) => e.value) : [],
    );
    expect(values).toContain(DEPLOY_ID);
    expect(published[0]?.view.private_metadata).toBe('D0123ABCD');
  });

  it('publishes once for a HomeRequested delivered twice with the same eventId (a Slack retry)', async () => {
    // Prepare
    const { published, run } = harness();
    const detail = homeRequested();

    // Act
    await run(['HomeRequested', detail]);
    await run(['HomeRequested', detail]);

    // Assess
    expect(published).toHaveLength(1);
  });

  it("refreshes the owner's Home tab when one of their environments ends", async () => {
    // Prepare
    const terminated = unrequestedTermination();
    const record = deploymentItem({
      deployId: terminated.data.deployId,
      owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' },
    });
    const { published, run } = harness([record]);

    // Act
    await run(['InstanceTerminated', terminated]);

    // Assess
    expect(published.map((p) => p.userId)).toEqual([OTHER_USER]);
    expect(published[0]?.view.private_metadata).toBe(record.channelId);
  });

  it("also refreshes the tab of the admin who terminated someone else's environment", async () => {
    // Prepare
    const base = fixtureDetail(InstanceTerminated);
    const record = deploymentItem({ deployId: base.data.deployId });
    const replyTo = { userId: ADMIN, channelId: 'D0ADMIN01', issuedAt: '2026-11-26T09:00:00.000Z' };
    const terminated = { ...base, data: { ...base.data, terminatedBy: ADMIN, replyTo } };
    const { published, run } = harness([record]);

    // Act
    await run(['InstanceTerminated', terminated]);

    // Assess
    expect(published.map((p) => [p.userId, p.view.private_metadata])).toEqual([
      [USER, record.channelId],
      [ADMIN, 'D0ADMIN01'],
    ]);
  });

  it('refreshes nobody for an event about a deployment without a record (an orphan)', async () => {
    // Prepare
    const { published, run } = harness([]);

    // Act
    const result = await run(['InstanceTerminated', unrequestedTermination()]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(published).toEqual([]);
  });

  it('shows a user on no list that they are not one, and nothing of the table', async () => {
    // Prepare
    const { published, run } = harness();

    // Act
    await run(['HomeRequested', homeRequested('U0STRANGER')]);

    // Assess
    const text = JSON.stringify(published[0]?.view);
    expect(text).toContain('not on the list');
    expect(text).not.toContain(DEPLOY_ID);
  });

  it('returns the record to the queue when views.publish fails, and publishes on the redelivery', async () => {
    // Prepare
    const { published, run } = harness([deploymentItem()], 1);
    const detail = homeRequested();

    // Act
    const first = await run(['HomeRequested', detail]);
    const second = await run(['HomeRequested', detail]);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    expect(published).toHaveLength(1);
  });
});
