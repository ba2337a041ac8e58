import { newId } from '@branch-envs/shared/ids';
import { handleTerminateRequested } from '../../src/domain/terminateRequest';
import { ADMIN, OTHER, OWNER, recordFor, terminateRequested } from '../helpers/factories';
import { memoryDeps, memoryFleet, memoryPublisher, memoryStore } from '../helpers/memory';

const instanceId = 'i-0abc123def4567890';

const setup = (records = [recordFor({ instanceId })]) => {
  const { store, record, items } = memoryStore(records);
  const { fleet, terminated } = memoryFleet(
    records.flatMap((r) =>
      r.instanceId
        ? [{ instanceId: r.instanceId, state: 'running', deployId: r.deployId, branch: r.branch }]
        : [],
    ),
  );
  const { publisher, published } = memoryPublisher();
  const deps = memoryDeps({ deployments: store, fleet, publisher });
  return { deps, record, items, terminated, published };
};

describe('TerminateRequested', () => {
  it('refuses to terminate someone else’s environment, and says why', async () => {
    // Prepare
    const [target] = [recordFor({ instanceId })];
    const { deps, record, terminated, published } = setup([target]);

    // Act
    const outcome = await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: target.deployId }, OTHER),
      deps,
    );

    // Assess
    expect(outcome.kind).toBe('refused');
    expect(record(target.deployId)?.status).toBe('READY');
    expect(terminated).toEqual([]);
    expect(published).toHaveLength(1);
    expect(published[0]?.detailType).toBe('RequestRefused');
    expect(published[0]?.detail.data).toMatchObject({
      code: 'not_owner',
      request: 'terminate',
      deployId: target.deployId,
    });
  });

  it('lets an admin terminate someone else’s environment, with reason admin', async () => {
    // Prepare
    const target = recordFor({ instanceId });
    const { deps, record, terminated, published } = setup([target]);

    // Act
    await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: target.deployId }, ADMIN),
      deps,
    );

    // Assess
    expect(record(target.deployId)?.status).toBe('TERMINATED');
    expect(terminated).toEqual([instanceId]);
    expect(published.map((p) => p.detailType)).toEqual(['InstanceTerminated']);
    expect(published[0]?.detail.data).toMatchObject({
      reason: 'admin',
      terminatedBy: ADMIN.userId,
      instanceId,
    });
  });

  it('lets owners terminate their own, with reason user', async () => {
    // Prepare
    const target = recordFor({ instanceId });
    const { deps, published } = setup([target]);

    // Act
    await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: target.deployId }, OWNER),
      deps,
    );

    // Assess
    expect(published[0]?.detail.data).toMatchObject({ reason: 'user', terminatedBy: OWNER.userId });
  });

  it('refuses `all` to anyone but an admin', async () => {
    // Prepare
    const { deps, published, terminated } = setup();

    // Act
    await handleTerminateRequested(terminateRequested({ kind: 'all' }, OWNER), deps);

    // Assess
    expect(published[0]?.detail.data).toMatchObject({ code: 'admin_only' });
    expect(terminated).toEqual([]);
  });

  it('ends every live environment for an admin’s `all`, and only live ones', async () => {
    // Prepare
    const live = [
      recordFor({ instanceId: 'i-00000000000000001' }),
      recordFor({ instanceId: 'i-00000000000000002', owner: OTHER }),
    ];
    const ended = recordFor({ status: 'TERMINATED' });
    const { deps, record, terminated } = setup([...live, ended]);

    // Act
    await handleTerminateRequested(terminateRequested({ kind: 'all' }, ADMIN), deps);

    // Assess
    expect(terminated.sort()).toEqual(['i-00000000000000001', 'i-00000000000000002']);
    expect(live.map((r) => record(r.deployId)?.status)).toEqual(['TERMINATED', 'TERMINATED']);
  });

  it('ends only the requester’s environments for `mine`', async () => {
    // Prepare
    const mine = recordFor({ instanceId: 'i-00000000000000003' });
    const theirs = recordFor({ instanceId: 'i-00000000000000004', owner: OTHER });
    const { deps, record } = setup([mine, theirs]);

    // Act
    await handleTerminateRequested(terminateRequested({ kind: 'mine' }, OWNER), deps);

    // Assess
    expect(record(mine.deployId)?.status).toBe('TERMINATED');
    expect(record(theirs.deployId)?.status).toBe('READY');
  });

  it('answers `mine` with no live environments with a refusal, never silence', async () => {
    // Prepare
    const { deps, published } = setup([]);

    // Act
    await handleTerminateRequested(terminateRequested({ kind: 'mine' }, OWNER), deps);

    // Assess
    expect(published[0]?.detail.data).toMatchObject({
      code: 'not_found',
      message: 'You have no live environments.',
    });
  });

  it('refuses a deployment that has already ended with not_live', async () => {
    // Prepare
    const ended = recordFor({ status: 'TERMINATED' });
    const { deps, published } = setup([ended]);

    // Act
    await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: ended.deployId }, OWNER),
      deps,
    );

    // Assess
    expect(published[0]?.detail.data).toMatchObject({ code: 'not_live', deployId: ended.deployId });
  });

  it('leaves a tombstone for a deployment that has no record yet', async () => {
    // Prepare
    const deployId = newId();
    const { deps, items, published } = setup([]);

    // Act
    const outcome = await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId }, OWNER),
      deps,
    );

    // Assess
    expect(outcome).toEqual({ kind: 'tombstoned', placed: true });
    expect(items.get(deployId)).toMatchObject({
      kind: 'tombstone',
      status: 'TERMINATING',
      requestedBy: OWNER,
    });
    expect(published).toEqual([]);
  });

  it('acts on the record when the provisioner creates it between the read and the tombstone', async () => {
    // Prepare: the first read misses the record the provisioner is just writing.
    const launching = recordFor({ status: 'RESOLVED' });
    const { store, record } = memoryStore([launching]);
    let reads = 0;
    const racing = { ...store, get: async (id: string) => (reads++ === 0 ? undefined : store.get(id)) };
    const deps = memoryDeps({ deployments: racing });

    // Act
    await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: launching.deployId }, OWNER),
      deps,
    );

    // Assess
    expect(record(launching.deployId)?.status).toBe('TERMINATING');
  });

  it('marks a launching deployment TERMINATING and leaves the kill to the provisioner', async () => {
    // Prepare
    const launching = recordFor({ status: 'LAUNCHING' });
    const { deps, record, published } = setup([launching]);

    // Act
    const outcome = await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: launching.deployId }, OWNER),
      deps,
    );

    // Assess
    expect(record(launching.deployId)?.status).toBe('TERMINATING');
    expect(outcome).toMatchObject({ kind: 'terminating', report: { handedToProvisioner: 1, closed: 0 } });
    expect(published).toEqual([]);
  });

  it('changes nothing when the same request runs again after it finished', async () => {
    // Prepare
    const target = recordFor({ instanceId });
    const { deps, record, published } = setup([target]);
    const request = terminateRequested({ kind: 'deploy', deployId: target.deployId }, OWNER);
    await handleTerminateRequested(request, deps);
    const after = structuredClone(record(target.deployId));

    // Act: the idempotency record has expired and the archive replays the request.
    const outcome = await handleTerminateRequested(request, deps);

    // Assess
    expect(outcome).toEqual({ kind: 'already_done' });
    expect(record(target.deployId)).toEqual(after);
    expect(published).toHaveLength(1);
  });

  it('finishes its own half-done work when retried after a crash', async () => {
    // Prepare: the first attempt claimed the record, then died before terminating the instance.
    const target = recordFor({ instanceId });
    const { deps, record, terminated } = setup([target]);
    const request = terminateRequested({ kind: 'deploy', deployId: target.deployId }, OWNER);
    await deps.deployments.transition(target.deployId, {
      to: 'TERMINATING',
      step: 'terminating',
      note: `reason=user by=${OWNER.userId} request=${request.data.requestId}`,
    });

    // Act
    await handleTerminateRequested(request, deps);

    // Assess
    expect(record(target.deployId)?.status).toBe('TERMINATED');
    expect(terminated).toEqual([instanceId]);
  });

  it('closes a record that names an untagged instance without touching the instance', async () => {
    // Prepare
    const target = recordFor({ instanceId });
    const { store, record } = memoryStore([target]);
    const { fleet, terminated } = memoryFleet([
      { instanceId, state: 'running', deployId: undefined, branch: undefined, managed: false },
    ]);
    const deps = memoryDeps({ deployments: store, fleet });

    // Act
    await handleTerminateRequested(
      terminateRequested({ kind: 'deploy', deployId: target.deployId }, OWNER),
      deps,
    );

    // Assess
    expect(terminated).toEqual([]);
    expect(record(target.deployId)?.status).toBe('TERMINATED');
  });
});
