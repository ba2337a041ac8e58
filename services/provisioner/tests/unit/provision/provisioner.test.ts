import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DeployFailed } from '@branch-envs/shared/events/DeployFailed';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import { InstanceLaunched } from '@branch-envs/shared/events/InstanceLaunched';
import { InstanceTerminated } from '@branch-envs/shared/events/InstanceTerminated';
import { newId } from '@branch-envs/shared/ids';
import type { Log, LogFields } from '@branch-envs/shared/log';
import type { LaunchSpec } from '../../../src/domain/ports';
import { newRecord, STEP_BY_STATUS } from '../../../src/domain/provision/provisioner';
import { CLAIMER_MAY_STILL_RUN_MS, LaunchInProgressError } from '../../../src/domain/provision/steps';
import type { ProvisionSettings } from '../../../src/domain/settings';
import { LaunchError } from '../../../src/errors';
import { ownedBy, provisionSettings, resolvedDetail } from '../../helpers/factories';
import type { MemoryRepository } from '../../helpers/memoryRepository';
import { provisionerWorld } from '../../helpers/provisionerWorld';

const NOW = new Date('2026-11-26T09:00:05.000Z');
const log = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });

const setup = (settings?: ProvisionSettings) => provisionerWorld(NOW, settings);

describe('provisioning a resolved branch', () => {
  it('the provisioner logged no launched line: it logs one naming the deploy and the instance', async () => {
    // Prepare
    const { instances, handle } = setup();
    const detail = resolvedDetail();
    const lines: { message: string; fields?: LogFields }[] = [];
    const keep = (message: string, fields?: LogFields) => {
      lines.push({ message, fields });
    };
    const recorder: Log = { debug: () => undefined, info: keep, warn: keep, error: keep };

    // Act
    await handle({ detail, log: recorder });

    // Assess
    expect(lines).toContainEqual({
      message: 'Instance launched',
      fields: expect.objectContaining({
        deployId: detail.data.deployId,
        instanceId: instances.launched[0]?.instanceId,
      }),
    });
  });

  it('creates the record, launches one instance, records it and starts the readiness probes', async () => {
    // Prepare
    const { repository, publisher, instances, probes, handle } = setup();
    const detail = resolvedDetail();

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
    const [launched] = instances.launched;
    expect(launched?.spec.tags).toMatchObject({ ManagedBy: 'branch-envs', DeployId: detail.data.deployId });
    const record = await repository.get(detail.data.deployId);
    expect(record).toMatchObject({
      status: 'RUNNING',
      instanceId: launched?.instanceId,
      instanceType: 't3.medium',
    });
    expect(publisher.types()).toEqual(['InstanceLaunched']);
    expect(publisher.dataOf(InstanceLaunched)[0]).toMatchObject({ instanceId: launched?.instanceId });
    expect(probes.sent).toEqual([
      {
        delaySeconds: 5,
        message: expect.objectContaining({
          deployId: detail.data.deployId,
          attempt: 1,
          deadline: '2026-11-26T09:10:05.000Z',
        }),
      },
    ]);
    expect(probes.sent[0]?.message.cause.eventId).toBe(publisher.events[0]?.detail.metadata.eventId);
  });

  it('launches nothing and answers InstanceTerminated when a tombstone is already there', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail();
    await repository.putTombstone(detail.data.deployId, detail.data.owner);

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(publisher.dataOf(InstanceTerminated)).toEqual([
      expect.objectContaining({ reason: 'user', instanceId: null, terminatedBy: detail.data.owner.userId }),
    ]);
  });

  it('launches nothing for a second delivery of a deployment that is already running', async () => {
    // Prepare
    const { instances, handle } = setup();
    const detail = resolvedDetail();
    await handle({ detail, log });

    // Act
    await handle({ detail: { ...detail, metadata: { ...detail.metadata, eventId: newId() } }, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
  });

  it('re-announces a launch whose InstanceLaunched was lost, with the same eventId and no new instance', async () => {
    // Prepare
    const { publisher, instances, probes, handle } = setup();
    const detail = resolvedDetail();
    publisher.failNext = 1;
    await expect(handle({ detail, log })).rejects.toThrow('EventBridge is down');

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
    expect(publisher.types()).toEqual(['InstanceLaunched']);
    expect(probes.sent).toHaveLength(1);
  });

  it('lets only one of five concurrent deliveries with different eventIds launch', async () => {
    // Prepare
    const { instances, handle } = setup();
    const detail = resolvedDetail();
    const copies = Array.from({ length: 5 }, () => ({
      ...detail,
      metadata: { ...detail.metadata, eventId: newId() },
    }));

    // Act
    await Promise.all(copies.map((copy) => handle({ detail: copy, log })));

    // Assess
    expect(instances.launched).toHaveLength(1);
  });

  it('terminates the instance it just launched when a terminate arrived during the launch', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail();
    instances.beforeRun = async () => repository.force(detail.data.deployId, 'TERMINATING');

    // Act
    await handle({ detail, log });

    // Assess
    const [launched] = instances.launched;
    expect(instances.terminated).toEqual([launched?.instanceId]);
    expect(publisher.dataOf(InstanceTerminated)).toEqual([
      expect.objectContaining({ reason: 'user', instanceId: launched?.instanceId }),
    ]);
    expect(publisher.types()).not.toContain('InstanceLaunched');
  });

  it('falls back to the next instance type when the first has no capacity', async () => {
    // Prepare
    const { repository, instances, handle } = setup();
    instances.capacityShortages = 1;
    const detail = resolvedDetail();

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched.map((l) => [l.attempt.instanceType, l.index])).toEqual([['t3a.medium', 1]]);
    expect(await repository.get(detail.data.deployId)).toMatchObject({ instanceType: 't3a.medium' });
  });

  it('falls back from Spot to on-demand and records what it launched, with its price', async () => {
    // Prepare
    const table = {
      refreshedOn: '2026-12-01',
      instances: { 't3.medium': { onDemand: 0.0416, spot: 0.0125 } },
      volumes: { gp3: 0.08 },
    };
    const { repository, instances, handle } = setup(
      provisionSettings({ launch: { capacity: 'spot-then-on-demand' }, pricing: { table } }),
    );
    instances.capacityShortages = 1;
    const detail = resolvedDetail();

    // Act
    await handle({ detail, log });

    // Assess: the Spot try had no capacity; on-demand of the same type launched
    expect(instances.launched.map((l) => [l.attempt.instanceType, l.attempt.market, l.index])).toEqual([
      ['t3.medium', 'on-demand', 1],
    ]);
    const record = await repository.get(detail.data.deployId);
    expect(record).toMatchObject({
      instanceType: 't3.medium',
      market: 'on-demand',
      cost: {
        market: 'on-demand',
        instanceType: 't3.medium',
        hourlyMicros: 44_888,
        since: NOW.toISOString(),
      },
    });
    expect(record?.history.at(-1)?.note).toMatch(/t3\.medium on-demand$/);
  });

  it("launches on Spot when the deploy asked for --spot, over the stage's on-demand default", async () => {
    // Prepare: ingress wrote the REQUESTED record with the deploy's capacity
    const { repository, instances, handle } = setup(provisionSettings({ launch: { capacity: 'on-demand' } }));
    const detail = resolvedDetail();
    await repository.create({ ...newRecord(detail, NOW), status: 'REQUESTED', capacity: 'spot' });

    // Act
    await handle({ detail, log });

    // Assess: no price table, so no cost, but the market is recorded
    expect(instances.launched.map((l) => l.attempt.market)).toEqual(['spot']);
    const record = await repository.get(detail.data.deployId);
    expect(record).toMatchObject({ status: 'RUNNING', market: 'spot' });
    expect(record).not.toHaveProperty('cost');
  });

  it('fails with launch_error, naming the fix, when EC2 refuses the launch for good', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup();
    instances.runError = new LaunchError('InvalidSubnetID.NotFound', 'no such subnet', 'fix SUBNET_IDS');
    const detail = resolvedDetail();

    // Act
    await handle({ detail, log });

    // Assess
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'FAILED' });
    const [failed] = publisher.dataOf(DeployFailed);
    expect(failed).toMatchObject({ reason: 'launch_error', instanceKept: false });
    expect(failed?.message).toContain('InvalidSubnetID.NotFound');
    expect(failed?.message).toContain('fix SUBNET_IDS');
  });

  it('refuses a branch that breaks git ref-name rules without launching', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail({ data: { branch: 'feature/$(curl evil)..x' } });

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(publisher.dataOf(DeployFailed)).toEqual([expect.objectContaining({ reason: 'invalid_branch' })]);
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'FAILED' });
  });

  it('reports user data over 16 KB as user_data_too_large without launching', async () => {
    // Prepare
    const bulky = Object.fromEntries(
      Array.from({ length: 600 }, (_, i) => [`V${i}`, randomBytes(48).toString('base64')]),
    );
    const { publisher, instances, handle } = setup(provisionSettings({ app: { env: bulky } }));

    // Act
    await handle({ detail: resolvedDetail(), log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(publisher.dataOf(DeployFailed)).toEqual([
      expect.objectContaining({ reason: 'user_data_too_large' }),
    ]);
  });

  it('reports artifacts that match no ARTIFACTS_JSON entry as config_error', async () => {
    // Prepare
    const { publisher, instances, handle } = setup();
    const detail = resolvedDetail({
      data: { artifacts: [{ key: 'x.jar', lastModified: NOW.toISOString(), sizeBytes: 1 }] },
    });

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(publisher.dataOf(DeployFailed)[0]?.message).toContain('ARTIFACTS_JSON');
  });

  it('re-publishes a launch failure whose DeployFailed was lost, without launching again', async () => {
    // Prepare
    const { publisher, instances, handle } = setup();
    instances.runError = new LaunchError('UnauthorizedOperation', 'denied', 'fix the role');
    const detail = resolvedDetail();
    publisher.failNext = 1;
    await expect(handle({ detail, log })).rejects.toThrow();

    // Act
    await handle({ detail, log });

    // Assess
    expect(publisher.dataOf(DeployFailed)).toEqual([expect.objectContaining({ reason: 'launch_error' })]);
  });
});

describe('quotas', () => {
  const seedLive = async (repository: MemoryRepository, count: number, userId: string) => {
    for (let i = 0; i < count; i += 1) {
      const detail = resolvedDetail({ data: { ...ownedBy(userId), branch: `feature/other-${i}` } });
      await repository.create({ ...newRecord(detail, NOW), status: 'READY', url: `http://10.0.0.${i + 1}/` });
    }
  };

  it('rejects a deploy past the per-user limit and lists the user their live environments', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup(
      provisionSettings({ quota: { maxLivePerUser: 2 } }),
    );
    const detail = resolvedDetail();
    await seedLive(repository, 2, detail.data.owner.userId);

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(await repository.get(detail.data.deployId)).toBeUndefined();
    const [rejected] = publisher.dataOf(DeployRejected);
    expect(rejected?.reason).toMatchObject({ code: 'quota_exceeded', scope: 'user', limit: 2 });
    expect(
      rejected?.reason.code === 'quota_exceeded' && rejected.reason.live.map((l) => l.branch).sort(),
    ).toEqual(['feature/other-0', 'feature/other-1']);
  });

  it('rejects a deploy past the total limit even when the user has none running', async () => {
    // Prepare
    const { repository, publisher, handle } = setup(provisionSettings({ quota: { maxLiveTotal: 3 } }));
    await seedLive(repository, 3, 'U0OTHER1');

    // Act
    await handle({ detail: resolvedDetail(), log });

    // Assess
    expect(publisher.dataOf(DeployRejected)[0]?.reason).toMatchObject({ scope: 'total', limit: 3, live: [] });
  });

  it('does not reject a redelivered event of a deployment that is itself counted', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup(
      provisionSettings({ quota: { maxLivePerUser: 1 } }),
    );
    const detail = resolvedDetail();
    await handle({ detail, log });
    await seedLive(repository, 1, detail.data.owner.userId);

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
    expect(publisher.types()).not.toContain('DeployRejected');
  });
});

describe('the state table', () => {
  it('has a step for every state a BranchResolved still moves on or answers (REJECTED: its rejection again)', () => {
    // Act
    const withStep = Object.entries(STEP_BY_STATUS)
      .filter(([, step]) => step !== undefined)
      .map(([status]) => status);

    // Assess
    expect(withStep).toEqual([
      'REQUESTED',
      'RESOLVED',
      'LAUNCHING',
      'RUNNING',
      'TERMINATING',
      'REJECTED',
      'FAILED',
    ]);
  });

  it('a provisioner killed between RunInstances and the record update left the record LAUNCHING forever: the redelivery adopts the instance', async () => {
    // Prepare: the claim was won and RunInstances ran, then the worker died.
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail();
    await repository.create({ ...newRecord(detail, NOW), status: 'LAUNCHING' });
    const orphan = await instances.run(
      { deployId: detail.data.deployId } as LaunchSpec,
      { instanceType: 't3.medium', market: 'on-demand' },
      0,
    );

    // Act
    await handle({ detail, log });

    // Assess: no second instance; the record owns the first and the launch is announced.
    expect(instances.launched).toHaveLength(1);
    expect(await repository.get(detail.data.deployId)).toMatchObject({
      status: 'RUNNING',
      instanceId: orphan.instanceId,
    });
    expect(publisher.types()).toEqual([InstanceLaunched.detailType]);
  });

  it('a provisioner killed after the claim but before RunInstances left the user unanswered: the redelivery fails the deployment', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail();
    await repository.create({ ...newRecord(detail, NOW), status: 'LAUNCHING' });

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'FAILED' });
    expect(publisher.types()).toEqual([DeployFailed.detailType]);
  });

  it('bug: a copy of BranchResolved (another eventId) arriving while the claimer was still launching failed the deployment', async () => {
    // Prepare: the claim was taken 5 s ago by a delivery that is still running.
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail();
    const claimedAt = new Date(NOW.getTime() - 5_000).toISOString();
    const record = newRecord(detail, NOW);
    await repository.create({
      ...record,
      status: 'LAUNCHING',
      history: [...record.history, { step: 'launching', at: claimedAt }],
    });

    // Act + Assess: retried later, nothing launched, nothing failed.
    await expect(handle({ detail, log })).rejects.toThrow(LaunchInProgressError);
    expect(instances.launched).toHaveLength(0);
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'LAUNCHING' });
    expect(publisher.types()).toEqual([]);
  });

  it('judges a launch interrupted only once its claimer must have timed out', async () => {
    // Prepare: claimed longer ago than the provision function can run.
    const { repository, publisher, handle } = setup();
    const detail = resolvedDetail();
    const claimedAt = new Date(NOW.getTime() - CLAIMER_MAY_STILL_RUN_MS - 1_000).toISOString();
    const record = newRecord(detail, NOW);
    await repository.create({
      ...record,
      status: 'LAUNCHING',
      history: [...record.history, { step: 'launching', at: claimedAt }],
    });

    // Act
    await handle({ detail, log });

    // Assess
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'FAILED' });
    expect(publisher.types()).toEqual([DeployFailed.detailType]);
  });
});
