import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { scheduledCause } from '../../src/domain/causes';
import { handleSpotInterruption, interruptionDecision } from '../../src/domain/spotInterruption';
import { recordFor } from '../helpers/factories';
import { memoryDeps, memoryFleet, memoryPublisher, memoryStore } from '../helpers/memory';

const instanceId = 'i-0abc123def4567890';
const warning = { instanceId, action: 'terminate' as const };
const STAGE = 'local';

type Instance = NonNullable<Parameters<typeof memoryFleet>[0]>[number];

const setup = (records: DeploymentRecord[], instances?: Instance[]) => {
  const { store, record } = memoryStore(records);
  const { fleet, terminated } = memoryFleet(
    instances ??
      records.flatMap((r) =>
        r.instanceId
          ? [{ instanceId: r.instanceId, state: 'running', deployId: r.deployId, branch: r.branch }]
          : [],
      ),
  );
  const { publisher, published } = memoryPublisher();
  return { deps: memoryDeps({ deployments: store, fleet, publisher }), record, terminated, published };
};

const terminatedEvents = (published: ReturnType<typeof memoryPublisher>['published']) =>
  published.map((p) => [
    p.detailType,
    (p.detail.metadata as { schemaVersion?: number }).schemaVersion,
    (p.detail.data as { reason?: string }).reason,
  ]);

describe('Spot interruption warning', () => {
  it('ends the live deployment TERMINATED spot_interrupted, terminates the instance and publishes InstanceTerminated v3', async () => {
    // Prepare
    const live = recordFor({ instanceId });
    const { deps, record, terminated, published } = setup([live]);

    // Act
    const outcome = await handleSpotInterruption(warning, deps, STAGE);

    // Assess
    expect(outcome).toMatchObject({ kind: 'terminating', deployId: live.deployId });
    expect(record(live.deployId)?.status).toBe('TERMINATED');
    expect(record(live.deployId)?.history.map((h) => h.note ?? h.step)).toContainEqual(
      expect.stringContaining('reason=spot_interrupted'),
    );
    expect(terminated).toEqual([instanceId]);
    expect(terminatedEvents(published)).toEqual([['InstanceTerminated', 3, 'spot_interrupted']]);
    expect(published[0]?.detail.data).toMatchObject({
      deployId: live.deployId,
      branch: live.branch,
      instanceId,
      replyTo: live.replyTo,
    });
  });

  it('ends a deployment whose warning is for a stop or hibernate action too, so nothing is left running', async () => {
    // Prepare
    const live = recordFor({ instanceId });
    const { deps, record, terminated } = setup([live]);

    // Act
    await handleSpotInterruption({ instanceId, action: 'stop' }, deps, STAGE);

    // Assess
    expect(record(live.deployId)?.status).toBe('TERMINATED');
    expect(terminated).toEqual([instanceId]);
  });

  it('does nothing more when the same warning is delivered again', async () => {
    // Prepare
    const live = recordFor({ instanceId });
    const { deps, record, terminated, published } = setup([live]);
    await handleSpotInterruption(warning, deps, STAGE);
    const historyAfterFirst = record(live.deployId)?.history.length;

    // Act
    const again = await handleSpotInterruption(warning, deps, STAGE);

    // Assess
    expect(again).toEqual({ kind: 'already_ended', deployId: live.deployId });
    expect(record(live.deployId)?.history).toHaveLength(historyAfterFirst ?? -1);
    expect(terminated).toEqual([instanceId]);
    expect(published).toHaveLength(1);
  });

  it('leaves a deployment someone else is already ending to them', async () => {
    // Prepare
    const ending = recordFor({
      instanceId,
      status: 'TERMINATING',
      history: [{ step: 'terminating', at: new Date().toISOString(), note: 'reason=user by=U0OWNER01' }],
    });
    const { deps, record, terminated, published } = setup([ending]);

    // Act
    const outcome = await handleSpotInterruption(warning, deps, STAGE);

    // Assess
    expect(outcome.kind).toBe('already_ended');
    expect(record(ending.deployId)?.status).toBe('TERMINATING');
    expect([terminated, published]).toEqual([[], []]);
  });

  it('acknowledges a warning for an instance EC2 does not know, touching nothing', async () => {
    // Prepare
    const { deps, terminated, published } = setup([], []);

    // Act
    const outcome = await handleSpotInterruption(warning, deps, STAGE);

    // Assess
    expect(outcome).toEqual({ kind: 'not_ours', why: 'unknown_instance' });
    expect([terminated, published]).toEqual([[], []]);
  });

  it.each([
    ['not_managed', { managed: false }],
    ['other_stage', { stage: 'prod' }],
  ] as const)('acknowledges a warning for an instance that is %s, touching nothing', async (why, tags) => {
    // Prepare
    const live = recordFor({ instanceId });
    const instance = { instanceId, state: 'running', deployId: live.deployId, branch: live.branch, ...tags };
    const { deps, record, terminated, published } = setup([live], [instance]);

    // Act
    const outcome = await handleSpotInterruption(warning, deps, STAGE);

    // Assess
    expect(outcome).toEqual({ kind: 'not_ours', why });
    expect(record(live.deployId)?.status).toBe('READY');
    expect([terminated, published]).toEqual([[], []]);
  });

  it('leaves a record alone whose instance is another one than the tagged instance the warning names', async () => {
    // Prepare
    const live = recordFor({ instanceId: 'i-0def4567890abc123' });
    const tagged = { instanceId, state: 'running', deployId: live.deployId, branch: live.branch };
    const { deps, record, terminated } = setup([live], [tagged]);

    // Act
    const outcome = await handleSpotInterruption(warning, deps, STAGE);

    // Assess
    expect(outcome).toEqual({ kind: 'not_ours', why: 'record_names_another_instance' });
    expect(record(live.deployId)?.status).toBe('READY');
    expect(terminated).toEqual([]);
  });

  it('bug: a warning retried after its publish failed resumes its own claim, with the same derived cause (so the same eventId)', async () => {
    // Prepare
    const live = recordFor({ instanceId });
    const { store, record } = memoryStore([live]);
    const { fleet } = memoryFleet([
      { instanceId, state: 'running', deployId: live.deployId, branch: live.branch },
    ]);
    const failing = memoryPublisher({ failWith: new Error('PutEvents throttled') });
    const first = memoryDeps({ deployments: store, fleet, publisher: failing.publisher });
    await expect(handleSpotInterruption(warning, first, STAGE)).rejects.toThrow();
    expect(record(live.deployId)?.status).toBe('TERMINATING');
    const working = memoryPublisher();

    // Act
    const retried = await handleSpotInterruption(
      warning,
      memoryDeps({ deployments: store, fleet, publisher: working.publisher }),
      STAGE,
    );

    // Assess
    expect(retried.kind).toBe('terminating');
    expect(record(live.deployId)?.status).toBe('TERMINATED');
    expect(terminatedEvents(working.published)).toEqual([['InstanceTerminated', 3, 'spot_interrupted']]);
    const derived = scheduledCause(live.deployId, interruptionDecision(instanceId), new Date()).eventId;
    expect(working.published[0]?.detail.metadata).toMatchObject({ causationId: derived });
  });
});
