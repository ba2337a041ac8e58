import { PublishError } from '@branch-envs/shared/errors';
import { newId } from '@branch-envs/shared/ids';
import { handleExtendRequested } from '../../src/domain/extendRequest';
import { runNightly } from '../../src/domain/nightly';
import { runReconciliation } from '../../src/domain/reconcile';
import { runSweep } from '../../src/domain/sweep';
import { scheduledTimeOf } from '../../src/handlers/createScheduledHandlers';
import { epoch, extendRequested, OTHER, OWNER, recordFor } from '../helpers/factories';
import { memoryDeps, memoryFleet, memoryPublisher, memoryStore } from '../helpers/memory';

const now = new Date('2026-11-26T10:00:00.000Z');
const minutesAgo = (n: number): string => new Date(now.getTime() - n * 60_000).toISOString();

describe('TTL sweep', () => {
  it('warns once per expiry, however many sweeps see it', async () => {
    // Prepare
    const soon = recordFor({ expiresAt: epoch(now) + 600 }, now);
    const { store, record } = memoryStore([soon]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    await runSweep(deps);
    await runSweep(deps);

    // Assess
    expect(published.map((p) => p.detailType)).toEqual(['InstanceExpiring']);
    expect(published[0]?.detail.data).toMatchObject({ deployId: soon.deployId, expiresAt: soon.expiresAt });
    expect(record(soon.deployId)?.expiryWarnedFor).toBe(soon.expiresAt);
  });

  it('warns again after an extend, for the new expiry', async () => {
    // Prepare
    const soon = recordFor({ expiresAt: epoch(now) + 600, instanceId: 'i-0abc123def4567890' }, now);
    const { store } = memoryStore([soon]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });
    await runSweep(deps);

    // Act: extend by 10 minutes, which lands inside the warning window again.
    await handleExtendRequested(
      extendRequested(
        { kind: 'deploy', deployId: soon.deployId },
        { kind: 'duration', seconds: 600 },
        OWNER,
        now,
      ),
      deps,
    );
    await runSweep(deps);

    // Assess
    const warnings = published.filter((p) => p.detailType === 'InstanceExpiring');
    expect(warnings.map((w) => w.detail.data.expiresAt)).toEqual([soon.expiresAt, soon.expiresAt + 600]);
  });

  it('undoes the warning mark when publishing fails, so the next sweep tries again', async () => {
    // Prepare
    const soon = recordFor({ expiresAt: epoch(now) + 600 }, now);
    const { store, record } = memoryStore([soon]);
    const failing = memoryPublisher({
      failWith: new PublishError([{ detailType: 'InstanceExpiring', errorCode: 'InternalFailure' }]),
    });
    const deps = memoryDeps({ deployments: store, publisher: failing.publisher, now });

    // Act
    const act = runSweep(deps);

    // Assess
    await expect(act).rejects.toThrow('could not be finished');
    expect(record(soon.deployId)?.expiryWarnedFor).toBeUndefined();
  });

  it('terminates what has expired with reason ttl, and leaves the rest running', async () => {
    // Prepare
    const expired = recordFor({ expiresAt: epoch(now) - 1, instanceId: 'i-00000000000000001' }, now);
    const alive = recordFor({ expiresAt: epoch(now) + 7200, instanceId: 'i-00000000000000002' }, now);
    const { store, record } = memoryStore([expired, alive]);
    const { fleet, terminated } = memoryFleet([
      { instanceId: 'i-00000000000000001', state: 'running', deployId: expired.deployId, branch: undefined },
      { instanceId: 'i-00000000000000002', state: 'running', deployId: alive.deployId, branch: undefined },
    ]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, fleet, publisher, now });

    // Act
    await runSweep(deps);

    // Assess
    expect(terminated).toEqual(['i-00000000000000001']);
    expect(record(expired.deployId)?.status).toBe('TERMINATED');
    expect(record(alive.deployId)?.status).toBe('READY');
    expect(published.map((p) => [p.detailType, p.detail.data.reason])).toEqual([
      ['InstanceTerminated', 'ttl'],
    ]);
  });

  it('does not terminate a deployment extended after the index was read', async () => {
    // Prepare: the GSI still shows the old expiry; the table has the extended one.
    const stale = recordFor({ expiresAt: epoch(now) - 1, instanceId: 'i-00000000000000005' }, now);
    const { store, record } = memoryStore([{ ...stale, expiresAt: epoch(now) + 3600 }]);
    const laggingIndex = {
      ...store,
      expiringBy: async function* (status: string) {
        if (status === 'READY') yield stale;
      },
    };
    const deps = memoryDeps({ deployments: laggingIndex, now });

    // Act
    const summary = await runSweep(deps);

    // Assess
    expect(summary.expired.skipped).toBe(1);
    expect(record(stale.deployId)?.status).toBe('READY');
  });

  it('finishes a termination left TERMINATING past the grace period, with the reason it was started for', async () => {
    // Prepare
    const stalled = recordFor(
      {
        status: 'TERMINATING',
        history: [{ step: 'terminating', at: minutesAgo(30), note: `reason=user by=${OWNER.userId}` }],
      },
      now,
    );
    const { store, record } = memoryStore([stalled]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    await runSweep(deps);

    // Assess
    expect(record(stalled.deployId)?.status).toBe('TERMINATED');
    expect(published[0]?.detail.data).toMatchObject({ reason: 'user', terminatedBy: OWNER.userId });
  });
});

describe('nightly run', () => {
  it('ends every live deployment not kept overnight, and spends the keep flag', async () => {
    // Prepare
    const normal = recordFor({ expiresAt: epoch(now) + 86_400 }, now);
    const kept = recordFor({ expiresAt: epoch(now) + 86_400, keepOvernight: true }, now);
    const launching = recordFor({ status: 'LAUNCHING' }, now);
    const { store, record } = memoryStore([normal, kept, launching]);
    const deps = memoryDeps({ deployments: store, now });

    // Act
    const summary = await runNightly(deps, new Date(now.getTime() - 30_000));

    // Assess
    expect(summary).toMatchObject({ ran: true, keptOvernight: 1 });
    expect(record(normal.deployId)?.status).toBe('TERMINATED');
    expect(record(launching.deployId)?.status).toBe('TERMINATING');
    expect(record(kept.deployId)).toMatchObject({ status: 'READY', keepOvernight: false });
  });

  it('does nothing when Scheduler delivers the run the next morning', async () => {
    // Prepare
    const normal = recordFor({}, now);
    const { store, record } = memoryStore([normal]);
    const deps = memoryDeps({ deployments: store, now });

    // Act
    const summary = await runNightly(deps, new Date(now.getTime() - 14 * 3_600_000));

    // Assess
    expect(summary).toMatchObject({ ran: false, reason: 'late' });
    expect(record(normal.deployId)?.status).toBe('READY');
  });

  it('reads the scheduled time from Scheduler’s input, and ignores an unsubstituted placeholder', () => {
    // Act + Assess
    expect(scheduledTimeOf({ scheduledTime: '2026-11-26T17:00:00Z' })?.toISOString()).toBe(
      '2026-11-26T17:00:00.000Z',
    );
    expect(scheduledTimeOf({ scheduledTime: '<aws.scheduler.scheduled-time>' })).toBeUndefined();
    expect(scheduledTimeOf({})).toBeUndefined();
  });
});

describe('reconciliation', () => {
  it('terminates managed instances with no live record and closes records whose instance is gone', async () => {
    // Prepare
    const owned = recordFor({ instanceId: 'i-00000000000000011' }, now);
    const lost = recordFor(
      { instanceId: 'i-00000000000000012', history: [{ step: 'ready', at: minutesAgo(60) }] },
      now,
    );
    const ended = recordFor({ status: 'TERMINATED', instanceId: 'i-00000000000000013' }, now);
    const { store, record } = memoryStore([owned, lost, ended]);
    const { fleet, terminated } = memoryFleet([
      { instanceId: 'i-00000000000000011', state: 'running', deployId: owned.deployId, branch: undefined },
      { instanceId: 'i-00000000000000013', state: 'running', deployId: ended.deployId, branch: 'b' },
      { instanceId: 'i-00000000000000014', state: 'running', deployId: newId(), branch: undefined },
      { instanceId: 'i-00000000000000015', state: 'running', deployId: 'garbage', branch: undefined },
      {
        instanceId: 'i-00000000000000016',
        state: 'running',
        deployId: undefined,
        branch: undefined,
        managed: false,
      },
    ]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, fleet, publisher, now });

    // Act
    const summary = await runReconciliation(deps);

    // Assess
    expect(terminated.sort()).toEqual(['i-00000000000000013', 'i-00000000000000014', 'i-00000000000000015']);
    expect(summary).toMatchObject({ orphansTerminated: 3, orphansUnreported: 1 });
    expect(record(lost.deployId)?.status).toBe('TERMINATED');
    expect(record(owned.deployId)?.status).toBe('READY');
    const reasons = published.map((p) => p.detail.data.reason).sort();
    expect(reasons).toEqual(['instance_gone', 'orphan', 'orphan']);
  });
});

describe('ExtendRequested', () => {
  it('refuses someone else’s extend with not_owner', async () => {
    // Prepare
    const target = recordFor({}, now);
    const { store, record } = memoryStore([target]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    await handleExtendRequested(
      extendRequested(
        { kind: 'deploy', deployId: target.deployId },
        { kind: 'duration', seconds: 3600 },
        OTHER,
        now,
      ),
      deps,
    );

    // Assess
    expect(published[0]?.detail.data).toMatchObject({ code: 'not_owner', request: 'extend' });
    expect(record(target.deployId)?.expiresAt).toBe(target.expiresAt);
  });

  it('does not extend a request still looking for its branch, and says so', async () => {
    // Prepare: the record ingress wrote; its expiry is provisional until the launch
    const { branch: _branch, ...unresolved } = recordFor({ status: 'REQUESTED' }, now);
    const { store, record } = memoryStore([unresolved]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    await handleExtendRequested(
      extendRequested(
        { kind: 'deploy', deployId: unresolved.deployId },
        { kind: 'duration', seconds: 3600 },
        OWNER,
        now,
      ),
      deps,
    );

    // Assess
    expect(published.map((p) => p.detailType)).toEqual(['RequestRefused']);
    expect(published[0]?.detail.data).toMatchObject({
      code: 'not_live',
      message: expect.stringContaining('still looking for its branch'),
    });
    expect(record(unresolved.deployId)?.expiresAt).toBe(unresolved.expiresAt);
  });

  it('does not extend twice when the same request runs again', async () => {
    // Prepare
    const target = recordFor({}, now);
    const { store, record } = memoryStore([target]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });
    const request = extendRequested(
      { kind: 'deploy', deployId: target.deployId },
      { kind: 'duration', seconds: 3600 },
      OWNER,
      now,
    );

    // Act
    await handleExtendRequested(request, deps);
    await handleExtendRequested(request, deps);

    // Assess
    expect(record(target.deployId)?.expiresAt).toBe(target.expiresAt + 3600);
    expect(published.map((p) => p.detail.metadata.eventId)).toEqual([
      published[0]?.detail.metadata.eventId,
      published[0]?.detail.metadata.eventId,
    ]);
  });
});
