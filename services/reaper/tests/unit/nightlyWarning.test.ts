import { handleExtendRequested } from '../../src/domain/extendRequest';
import { runNightly } from '../../src/domain/nightly';
import { runSweep } from '../../src/domain/sweep';
import { epoch, extendRequested, OWNER, recordFor } from '../helpers/factories';
import { memoryDeps, memoryPublisher, memoryStore } from '../helpers/memory';

// Thursday 2026-11-26: the nightly run is 19:00 Helsinki = 17:00 UTC; warnings come 30 min ahead.
const nightlyRun = new Date('2026-11-26T17:00:00.000Z');
const minutesBefore = (n: number): Date => new Date(nightlyRun.getTime() - n * 60_000);
const inTwoDays = epoch(nightlyRun) + 2 * 86_400;

const world = (records: ReturnType<typeof recordFor>[], now: Date) => {
  const { store, record } = memoryStore(records);
  const { publisher, published } = memoryPublisher();
  return { deps: memoryDeps({ deployments: store, publisher, now }), published, record, store };
};

const warningsIn = (published: { detailType: string; detail: { data: object } }[]) =>
  published.filter((p) => p.detailType === 'InstanceExpiring').map((p) => p.detail.data);

describe('the warning before the nightly run', () => {
  it('warns before the nightly run ends an environment (regression: the nightly run ended it without warning)', async () => {
    // Prepare: `/deploy demo-ready for 99d`, capped at 2d, lives well past tonight's run.
    const demo = recordFor({ expiresAt: inTwoDays }, minutesBefore(25));
    const { deps, published } = world([demo], minutesBefore(25));

    // Act
    await runSweep(deps);

    // Assess
    expect(warningsIn(published)).toEqual([
      expect.objectContaining({ deployId: demo.deployId, reason: 'nightly', endsAt: epoch(nightlyRun) }),
    ]);
  });

  it('warns once per environment per night, however many sweeps run in the window', async () => {
    // Prepare
    const demo = recordFor({ expiresAt: inTwoDays }, minutesBefore(29));
    const { store, record } = memoryStore([demo]);
    const { publisher, published } = memoryPublisher();

    // Act
    for (const minutes of [29, 20, 10, 1]) {
      await runSweep(memoryDeps({ deployments: store, publisher, now: minutesBefore(minutes) }));
    }

    // Assess
    expect(warningsIn(published)).toHaveLength(1);
    expect(record(demo.deployId)?.expiryWarnedFor).toBe(epoch(nightlyRun));
  });

  it('says nothing before the warning window opens', async () => {
    // Prepare
    const { deps, published } = world(
      [recordFor({ expiresAt: inTwoDays }, minutesBefore(31))],
      minutesBefore(31),
    );

    // Act
    await runSweep(deps);

    // Assess
    expect(warningsIn(published)).toEqual([]);
  });

  it('does not warn an environment kept overnight, nor one still launching', async () => {
    // Prepare
    const kept = recordFor({ expiresAt: inTwoDays, keepOvernight: true }, minutesBefore(20));
    const launching = recordFor({ expiresAt: inTwoDays, status: 'LAUNCHING' }, minutesBefore(20));
    const { deps, published } = world([kept, launching], minutesBefore(20));

    // Act
    await runSweep(deps);

    // Assess
    expect(warningsIn(published)).toEqual([]);
  });

  it('gives an expiry before the nightly run its TTL warning only', async () => {
    // Prepare
    const early = recordFor({ expiresAt: epoch(minutesBefore(5)) }, minutesBefore(20));
    const { deps, published } = world([early], minutesBefore(20));

    // Act
    await runSweep(deps);
    await runSweep(deps);

    // Assess
    expect(warningsIn(published)).toEqual([
      expect.objectContaining({ reason: 'ttl', endsAt: early.expiresAt, expiresAt: early.expiresAt }),
    ]);
  });

  it('sends no second warning when [Extend] leaves the nightly end where it was', async () => {
    // Prepare
    const demo = recordFor({ expiresAt: epoch(nightlyRun) + 3600 }, minutesBefore(20));
    const { store } = memoryStore([demo]);
    const { publisher, published } = memoryPublisher();
    const deps = memoryDeps({ deployments: store, publisher, now: minutesBefore(20) });
    await runSweep(deps);

    // Act
    const extend = extendRequested(
      { kind: 'deploy', deployId: demo.deployId },
      { kind: 'duration', seconds: 4 * 3600 },
      OWNER,
      minutesBefore(15),
    );
    await handleExtendRequested(
      extend,
      memoryDeps({ deployments: store, publisher, now: minutesBefore(15) }),
    );
    await runSweep(memoryDeps({ deployments: store, publisher, now: minutesBefore(10) }));

    // Assess
    expect(warningsIn(published)).toHaveLength(1);
  });

  it('[Keep overnight] after the warning spares it at the nightly run', async () => {
    // Prepare
    const demo = recordFor({ expiresAt: inTwoDays, instanceId: 'i-0abc123def4567890' }, minutesBefore(20));
    const { store, record } = memoryStore([demo]);
    const { publisher } = memoryPublisher();
    await runSweep(memoryDeps({ deployments: store, publisher, now: minutesBefore(20) }));
    const keep = extendRequested(
      { kind: 'deploy', deployId: demo.deployId },
      { kind: 'overnight' },
      OWNER,
      minutesBefore(10),
    );
    await handleExtendRequested(keep, memoryDeps({ deployments: store, publisher, now: minutesBefore(10) }));

    // Act
    const summary = await runNightly(
      memoryDeps({ deployments: store, publisher, now: nightlyRun }),
      nightlyRun,
    );

    // Assess
    expect(summary).toMatchObject({ ran: true, keptOvernight: 1 });
    expect(record(demo.deployId)?.status).toBe('READY');
  });
});
