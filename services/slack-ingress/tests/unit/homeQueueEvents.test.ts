/**
 * The `home` function on the queue's events (ADR 0031): a queued request that ends has no
 * deployment, so its owner's tab is refreshed from the event; one that starts refreshes through its
 * new deployment's record. The queue the view shows is read through the `queue` port.
 */
import { emptyQueue } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { QueuedDeployEnded, QueuedDeployStarted } from '@branch-envs/shared/events';
import { fixtureDetail, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { memoryPersistenceStore } from '../../../../shared/tests/helpers/memoryPersistence';
import type { HomeView } from '../../src/domain/home/homeBlocks';
import type { HomePorts, HomeSettings } from '../../src/domain/home/ports';
import { createHomeHandler } from '../../src/handlers/createHomeHandler';
import { ADMIN, deploymentItem, lambdaContext, silentLogger, USER } from '../helpers/factories';

const settings: HomeSettings = {
  deployCommand: '/deploy',
  policy: { allowedUsers: new Set([USER]), adminUsers: new Set([ADMIN]), allowedUserGroups: [] },
  nightly: { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' },
  quotas: { perUser: 3, total: 20 },
};

const harness = (records: DeploymentRecord[], queue: HomePorts['queue']) => {
  const published: { userId: string; view: HomeView }[] = [];
  const ports: HomePorts = {
    views: { publish: async (userId, view) => void published.push({ userId, view }) },
    groups: { isMemberOfAny: async () => false },
    deployments: {
      get: async (id): Promise<DeploymentItem | undefined> => records.find((r) => r.deployId === id),
      live: async () => records,
    },
    now: () => new Date('2026-11-26T13:00:00.000Z'),
    ...(queue ? { queue } : {}),
  };
  const handler = createHomeHandler({
    settings,
    ports,
    persistenceStore: memoryPersistenceStore(),
    logger: silentLogger(),
  });
  return {
    published,
    run: (type: string, detail: unknown) =>
      handler(sqsEvent(sqsRecordFor(type, detail)), lambdaContext('home')),
  };
};

const owned = <T extends { data: Record<string, unknown> }>(detail: T, userId: string): T => ({
  ...detail,
  data: {
    ...detail.data,
    owner: { userId, teamId: 'T0TEAM001', userName: 'maija' },
    replyTo: { ...(detail.data.replyTo as object), userId },
  },
});

describe('the home function on the deploy queue’s events', () => {
  it("refreshes the owner's tab when their queued request ends, though it has no deployment", async () => {
    // Prepare
    const { published, run } = harness([], { read: async () => emptyQueue() });

    // Act
    const result = await run('QueuedDeployEnded', owned(fixtureDetail(QueuedDeployEnded), USER));

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(published.map((p) => p.userId)).toEqual([USER]);
    expect(published[0]?.view.private_metadata).toBe('C0123ABCD');
  });

  it("refreshes the owner's tab through the record of the deployment a queued request started as", async () => {
    // Prepare
    const started = owned(fixtureDetail(QueuedDeployStarted), USER);
    const record = deploymentItem({ deployId: String(started.data.deployId), status: 'REQUESTED' });
    const { published, run } = harness([record], { read: async () => emptyQueue() });

    // Act
    await run('QueuedDeployStarted', started);

    // Assess
    expect(published.map((p) => p.userId)).toEqual([USER]);
  });

  it('still publishes the tab, without the queue, when the queue cannot be read', async () => {
    // Prepare: an admin's tab, which shows the stage's queue line whenever the queue is read
    const readable = harness([], { read: async () => emptyQueue() });
    const unreadable = harness([], { read: () => Promise.reject(new Error('throttled')) });
    const ended = owned(fixtureDetail(QueuedDeployEnded), ADMIN);

    // Act
    await readable.run('QueuedDeployEnded', ended);
    const result = await unreadable.run('QueuedDeployEnded', ended);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(JSON.stringify(readable.published[0]?.view.blocks)).toContain('*Queue:*');
    expect(unreadable.published).toHaveLength(1);
    expect(JSON.stringify(unreadable.published[0]?.view.blocks)).not.toContain('*Queue:*');
  });
});
