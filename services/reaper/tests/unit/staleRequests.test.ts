import { PublishError } from '@branch-envs/shared/errors';
import { STALE_REQUEST_STEP } from '../../src/domain/staleRequests';
import { runSweep } from '../../src/domain/sweep';
import { epoch, recordFor } from '../helpers/factories';
import { memoryDeps, memoryPublisher, memoryStore } from '../helpers/memory';

const now = new Date('2026-12-02T10:00:00.000Z');
const secondsAgo = (n: number): string => new Date(now.getTime() - n * 1000).toISOString();

/** A REQUESTED record as ingress writes it: no branch yet, expiring at createdAt + TTL. */
const requested = (ageSeconds: number) =>
  recordFor({
    status: 'REQUESTED',
    branch: undefined,
    instanceId: undefined,
    url: undefined,
    createdAt: secondsAgo(ageSeconds),
    expiresAt: epoch(now) + 4 * 3600,
    history: [{ step: 'requested', at: secondsAgo(ageSeconds) }],
  });

describe('the sweep ends requests no resolver will handle (ADR 0018)', () => {
  it('bug: a REQUESTED record whose DeployRequested was never published stayed live until its TTL (chaos run: orphan records)', async () => {
    // Prepare: older than the resolver's 900 s limit plus the 120 s grace
    const lost = requested(900 + 121);
    const { store, record } = memoryStore([lost]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    const summary = await runSweep(deps);

    // Assess
    expect(summary.staleRejected).toBe(1);
    expect(record(lost.deployId)?.status).toBe('REJECTED');
    expect(record(lost.deployId)?.history.at(-1)).toMatchObject({
      step: STALE_REQUEST_STEP,
      note: 'expired_request',
    });
    expect(published.map((p) => p.detailType)).toEqual(['DeployRejected']);
    expect(published[0]?.detail.data).toEqual({
      deployId: lost.deployId,
      query: lost.query,
      reason: { code: 'expired_request', ageSeconds: 1021 },
      owner: lost.owner,
      replyTo: lost.replyTo,
    });
  });

  it('leaves a request within the age limit and its grace to the resolver', async () => {
    // Prepare
    const young = requested(900 + 119);
    const { store, record } = memoryStore([young]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    await runSweep(deps);

    // Assess
    expect(record(young.deployId)?.status).toBe('REQUESTED');
    expect(published).toEqual([]);
  });

  it('tells the user once, however many sweeps run', async () => {
    // Prepare
    const lost = requested(3600);
    const { store } = memoryStore([lost]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now });

    // Act
    await runSweep(deps);
    await runSweep(deps);

    // Assess
    expect(published.filter((p) => p.detailType === 'DeployRejected')).toHaveLength(1);
  });

  it('keeps the record REQUESTED when the rejection cannot be published, so the next sweep tells the user', async () => {
    // Prepare
    const lost = requested(3600);
    const { store, record } = memoryStore([lost]);
    const failing = memoryPublisher({
      failWith: new PublishError([{ detailType: 'DeployRejected', errorCode: 'InternalFailure' }]),
    });
    const deps = memoryDeps({ deployments: store, publisher: failing.publisher, now });

    // Act
    const act = runSweep(deps);

    // Assess
    await expect(act).rejects.toThrow('could not be finished');
    expect(record(lost.deployId)?.status).toBe('REQUESTED');
  });

  it('derives the same eventId on every sweep, so a repeat after a lost answer is dropped downstream', async () => {
    // Prepare: two stores, as if the first sweep's transition had been lost
    const lost = requested(3600);
    const first = memoryPublisher();
    const second = memoryPublisher();
    await runSweep(memoryDeps({ deployments: memoryStore([lost]).store, publisher: first.publisher, now }));

    // Act
    await runSweep(
      memoryDeps({
        deployments: memoryStore([lost]).store,
        publisher: second.publisher,
        now: new Date(now.getTime() + 60_000),
      }),
    );

    // Assess
    expect(second.published[0]?.detail.metadata.eventId).toBe(first.published[0]?.detail.metadata.eventId);
  });
});
