import { formatTable, HOPS, hopMs, percentile, summarise, type Timeline } from '../../../bench/pipeline/hops';

/** bench/pipeline's pure helpers (the bench itself runs by hand, never in `npm test`). */
const timeline = (overrides: Partial<Timeline>): Timeline => ({
  deployId: '01M8TGF58AZ85XA6P2T8GN7WB9',
  user: 'U0BENCH1',
  sentAt: 1000,
  ...overrides,
});

describe('bench/pipeline hops', () => {
  it('takes the nearest-rank percentile, and none of nothing', () => {
    // Act & Assess
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('measures a hop only when both of its moments were recorded', () => {
    // Prepare
    const slashToRun = HOPS.find((h) => h.name === 'slash → RunInstances');

    // Act & Assess
    expect(slashToRun && hopMs(timeline({ runInstancesAt: 2200 }), slashToRun)).toBe(1200);
    expect(slashToRun && hopMs(timeline({}), slashToRun)).toBeUndefined();
  });

  it('holds slash → RunInstances to a p50 under 1.5 s and healthy → ready to 5 s at most', () => {
    // Prepare: three deploys, one of them slow on both hops
    const deploys = [
      timeline({ runInstancesAt: 2000, healthyAt: 5000, readyMessageAt: 5400 }),
      timeline({ runInstancesAt: 2400, healthyAt: 5000, readyMessageAt: 5600 }),
      timeline({ runInstancesAt: 4000, healthyAt: 5000, readyMessageAt: 11_000 }),
    ];

    // Act
    const rows = summarise(deploys);

    // Assess
    const row = (name: string) => rows.find((r) => r.hop === name);
    expect(row('slash → RunInstances')).toMatchObject({ n: 3, p50Ms: 1400, maxMs: 3000, withinBudget: true });
    expect(row('app healthy → "ready" message')).toMatchObject({ n: 3, maxMs: 6000, withinBudget: false });
    expect(row('slash → ack')).toMatchObject({ n: 0, budget: 'max ≤ 3000 ms' });
    expect(row('slash → ack')?.withinBudget).toBeUndefined();
  });

  it('prints one row per hop with the budget verdict', () => {
    // Act
    const table = formatTable('title', summarise([timeline({ ackAt: 1100, runInstancesAt: 3000 })]));

    // Assess
    const lines = table.split('\n');
    expect(lines).toHaveLength(2 + HOPS.length);
    expect(lines.find((l) => l.startsWith('slash → ack'))).toMatch(/\b100\b.*max ≤ 3000 ms: ok$/);
    expect(lines.find((l) => l.startsWith('slash → RunInstances'))).toMatch(/p50 < 1500 ms: OVER$/);
    expect(lines.find((l) => l.startsWith('app healthy → InstanceReady'))).toMatch(/no data$/);
  });
});
