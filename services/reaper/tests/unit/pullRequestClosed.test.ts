import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import { newId } from '@branch-envs/shared/ids';
import { handlePullRequestClosed } from '../../src/domain/pullRequestClosed';
import { OTHER, recordFor, testPolicy } from '../helpers/factories';
import { memoryDeps, memoryFleet, memoryPublisher, memoryStore } from '../helpers/memory';

const BRANCH = 'feature/ABC-123-login-page';
const instanceId = 'i-0abc123def4567890';

const closed = (overrides: Partial<PullRequestClosed['data']> = {}, at = new Date()): PullRequestClosed => {
  const eventId = newId(at.getTime());
  return PullRequestClosed.detail.parse({
    metadata: {
      eventId,
      schemaVersion: 1,
      correlationId: eventId,
      causationId: eventId,
      occurredAt: at.toISOString(),
      producer: 'branch-envs.github-ingress',
    },
    data: {
      repo: 'acme/shop',
      branch: BRANCH,
      prNumber: 42,
      merged: true,
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      closedAt: at.toISOString(),
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      ...overrides,
    },
  });
};

const setup = (records: DeploymentRecord[], policy = testPolicy()) => {
  const { store, record } = memoryStore(records);
  const { fleet, terminated } = memoryFleet(
    records.flatMap((r) =>
      r.instanceId
        ? [{ instanceId: r.instanceId, state: 'running', deployId: r.deployId, branch: r.branch }]
        : [],
    ),
  );
  const { publisher, published } = memoryPublisher();
  return {
    deps: memoryDeps({ deployments: store, fleet, publisher, policy }),
    record,
    terminated,
    published,
  };
};

describe('PullRequestClosed', () => {
  it('ends every live environment of the branch, whoever owns it, with reason pr_merged and the PR', async () => {
    // Prepare
    const mine = recordFor({ instanceId, prNumber: 42 });
    const theirs = recordFor({ instanceId: 'i-0def4567890abc123', owner: OTHER, ownerId: OTHER.userId });
    const { deps, record, terminated, published } = setup([mine, theirs]);

    // Act
    const outcome = await handlePullRequestClosed(closed(), deps);

    // Assess
    expect(outcome.kind).toBe('terminating');
    expect([record(mine.deployId)?.status, record(theirs.deployId)?.status]).toEqual([
      'TERMINATED',
      'TERMINATED',
    ]);
    expect(terminated.sort()).toEqual([instanceId, 'i-0def4567890abc123'].sort());
    expect(
      published.map((p) => [
        p.detailType,
        (p.detail.metadata as { schemaVersion?: number }).schemaVersion,
        p.detail.data,
      ]),
    ).toEqual([
      [
        'InstanceTerminated',
        2,
        expect.objectContaining({ reason: 'pr_merged', prNumber: 42, branch: BRANCH }),
      ],
      [
        'InstanceTerminated',
        2,
        expect.objectContaining({ reason: 'pr_merged', prNumber: 42, branch: BRANCH }),
      ],
    ]);
  });

  it('says pr_closed when the pull request was closed without merging', async () => {
    // Prepare
    const { deps, published } = setup([recordFor({ instanceId })]);

    // Act
    await handlePullRequestClosed(closed({ merged: false }), deps);

    // Assess
    expect(published[0]?.detail.data).toMatchObject({ reason: 'pr_closed', prNumber: 42 });
  });

  it('leaves environments started after the close alone (an archive replay after a reopen)', async () => {
    // Prepare
    const pr = closed({ closedAt: new Date(Date.now() - 2 * 3600_000).toISOString() });
    const later = recordFor({ instanceId });
    const { deps, record, terminated } = setup([later]);

    // Act
    const outcome = await handlePullRequestClosed(pr, deps);

    // Assess
    expect(outcome.kind).toBe('nothing_live');
    expect(record(later.deployId)?.status).toBe('READY');
    expect(terminated).toEqual([]);
  });

  it('leaves an environment of another pull request of the same branch alone', async () => {
    // Prepare
    const other = recordFor({ instanceId, prNumber: 77 });
    const { deps, record } = setup([other]);

    // Act
    await handlePullRequestClosed(closed(), deps);

    // Assess
    expect(record(other.deployId)?.status).toBe('READY');
  });

  it('hands a deploy still launching to the provisioner as TERMINATING, so it never comes up', async () => {
    // Prepare
    const launching = recordFor({ status: 'LAUNCHING', instanceId: undefined });
    const { deps, record, published } = setup([launching]);

    // Act
    const outcome = await handlePullRequestClosed(closed(), deps);

    // Assess
    expect(outcome).toMatchObject({ kind: 'terminating', report: { handedToProvisioner: 1 } });
    expect(record(launching.deployId)?.status).toBe('TERMINATING');
    expect(published).toEqual([]);
  });

  it('does nothing when terminateOnPrClose is off', async () => {
    // Prepare
    const live = recordFor({ instanceId });
    const { deps, record, terminated } = setup([live], testPolicy({ terminateOnPrClose: false }));

    // Act
    const outcome = await handlePullRequestClosed(closed(), deps);

    // Assess
    expect(outcome.kind).toBe('disabled');
    expect(record(live.deployId)?.status).toBe('READY');
    expect(terminated).toEqual([]);
  });

  it('changes nothing when the same event is handled again', async () => {
    // Prepare
    const live = recordFor({ instanceId });
    const { deps, terminated, published } = setup([live]);
    const event = closed();
    await handlePullRequestClosed(event, deps);

    // Act
    const again = await handlePullRequestClosed(event, deps);

    // Assess
    expect(again.kind).toBe('nothing_live');
    expect(terminated).toEqual([instanceId]);
    expect(published).toHaveLength(1);
  });
});
