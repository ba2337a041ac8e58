import { Logger } from '@aws-lambda-powertools/logger';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import { newRecord } from '../../../src/domain/provision/provisioner';
import type { ProvisionSettings } from '../../../src/domain/settings';
import { ownedBy, provisionSettings, resolvedDetail } from '../../helpers/factories';
import { provisionerWorld } from '../../helpers/provisionerWorld';

const NOW = new Date('2026-11-26T09:00:05.000Z');
const INGRESS_TIME = new Date('2026-11-26T09:00:01.000Z');
const log = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });

const setup = (settings?: ProvisionSettings) => provisionerWorld(NOW, settings);

/** The record as slack-ingress writes it when the user asks: REQUESTED, with no branch yet. */
const requestedBy = (detail: ReturnType<typeof resolvedDetail>): DeploymentRecord => {
  const {
    branch: _branch,
    headSha: _headSha,
    prNumber: _prNumber,
    ...unresolved
  } = newRecord(detail, INGRESS_TIME);
  return {
    ...unresolved,
    status: 'REQUESTED',
    history: [{ step: 'requested', at: INGRESS_TIME.toISOString() }],
  };
};

/** A user at their quota of one (a READY environment) whose next request ingress recorded. */
const overQuota = async () => {
  const world = setup(provisionSettings({ quota: { maxLivePerUser: 1 } }));
  const detail = resolvedDetail();
  const other = resolvedDetail({ data: { ...ownedBy(detail.data.owner.userId), branch: 'feature/other' } });
  await world.repository.create({ ...newRecord(other, NOW), status: 'READY' });
  await world.repository.create(requestedBy(detail));
  return { ...world, detail };
};

describe('a BranchResolved whose record ingress wrote at request time', () => {
  it('moves REQUESTED to RESOLVED with the branch and the real expiry, then launches', async () => {
    // Prepare
    const { repository, instances, handle } = setup();
    const detail = resolvedDetail();
    await repository.create(requestedBy(detail));

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
    const record = await repository.get(detail.data.deployId);
    expect(record).toMatchObject({
      status: 'RUNNING',
      branch: detail.data.branch,
      headSha: detail.data.headSha,
      createdAt: INGRESS_TIME.toISOString(),
      expiresAt: Math.floor(NOW.getTime() / 1000) + detail.data.ttlSeconds,
    });
    expect(record?.history.map((h) => h.step).slice(0, 3)).toEqual(['requested', 'resolved', 'launching']);
  });

  it('ends the request as REJECTED when the quota is reached, and launches nothing', async () => {
    // Prepare
    const { repository, publisher, instances, handle, detail } = await overQuota();

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect((await repository.get(detail.data.deployId))?.status).toBe('REJECTED');
    expect(publisher.dataOf(DeployRejected)[0]?.reason).toMatchObject({ code: 'quota_exceeded', limit: 1 });
  });

  it('bug: a quota rejection whose publish failed was never answered on redelivery (the REJECTED record had no step)', async () => {
    // Prepare
    const { repository, publisher, instances, handle, detail } = await overQuota();
    publisher.failNext = 1;
    await expect(handle({ detail, log })).rejects.toThrow('EventBridge is down');

    // Act: SQS delivers the BranchResolved again
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect((await repository.get(detail.data.deployId))?.status).toBe('REJECTED');
    expect(publisher.dataOf(DeployRejected)).toHaveLength(1);
    expect(publisher.dataOf(DeployRejected)[0]?.reason).toMatchObject({ code: 'quota_exceeded', limit: 1 });
  });

  it('answers nothing for a record another service rejected: that answer is theirs', async () => {
    // Prepare
    const { repository, publisher, handle } = setup();
    const detail = resolvedDetail();
    await repository.create({
      ...requestedBy(detail),
      status: 'REJECTED',
      rejection: { code: 'expired_request', ageSeconds: 1200 },
    });

    // Act
    await handle({ detail, log });

    // Assess
    expect(publisher.types()).toEqual([]);
  });

  it('does not count other requests still being resolved against the quota', async () => {
    // Prepare: the user sent two deploys at once; the other one is still REQUESTED
    const { repository, instances, handle } = setup(provisionSettings({ quota: { maxLivePerUser: 1 } }));
    const detail = resolvedDetail();
    const sibling = resolvedDetail({
      data: { ...ownedBy(detail.data.owner.userId), branch: 'feature/sibling' },
    });
    await repository.create(requestedBy(sibling));
    await repository.create(requestedBy(detail));

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(1);
  });

  it('launches nothing when the request was terminated while it was being resolved', async () => {
    // Prepare
    const { repository, publisher, instances, handle } = setup();
    const detail = resolvedDetail();
    await repository.create({ ...requestedBy(detail), status: 'TERMINATING' });

    // Act
    await handle({ detail, log });

    // Assess
    expect(instances.launched).toHaveLength(0);
    expect(publisher.types()).toEqual(['InstanceTerminated']);
  });
});
