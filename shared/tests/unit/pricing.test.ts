import {
  costSoFarMicros,
  formatAmount,
  formatRate,
  hourlyMicros,
  priceLine,
  totalLine,
  totalOf,
} from '../../src/pricing/cost';
import { formatMicros, mulDivRound, parseUsdMicros } from '../../src/pricing/money';
import type { PriceTable } from '../../src/pricing/priceTable';

const table: PriceTable = {
  refreshedOn: '2026-12-01',
  instances: {
    't3.medium': { onDemand: 0.0416, spot: 0.0125 },
    'm6i.xlarge': { onDemand: '0.1920000000', spot: 0.0801 },
  },
  volumes: { gp3: 0.08 },
};

const since = '2026-12-01T08:00:00Z';
const at = (iso: string) => new Date(iso);

describe('money in micro-dollars', () => {
  it.each<[number | string, number | undefined]>([
    [0.0416, 41_600],
    ['0.0416000000', 41_600],
    [0.08, 80_000],
    [3, 3_000_000],
    ['0.00000049', 0],
    ['0.0000005', 1],
    ['0.1234567', 123_457],
    [-0.1, undefined],
    ['1e-3', undefined],
    ['abc', undefined],
    [Number.NaN, undefined],
  ])('reads %p as %p micro-dollars', (value, micros) => {
    // Act + Assess
    expect(parseUsdMicros(value)).toBe(micros);
  });

  it('adds a thousand prices without the drift floats show', () => {
    // Prepare
    const prices = Array.from({ length: 1000 }, () => parseUsdMicros(0.1) ?? 0);

    // Act
    const total = prices.reduce((sum, p) => sum + p, 0);

    // Assess
    expect(total).toBe(100_000_000);
    expect(formatMicros(total, 2)).toBe('100.00');
  });

  it('rounds half up', () => {
    // Act + Assess
    expect(mulDivRound(1, 1, 2)).toBe(1);
    expect(mulDivRound(1, 1, 3)).toBe(0);
    expect(formatMicros(5_000, 2)).toBe('0.01');
    expect(formatMicros(4_999, 2)).toBe('0.00');
  });
});

describe('the hourly rate of an environment', () => {
  it('worked example 1: t3.medium on-demand with 30 GB gp3 costs 44 888 µ$/h, $0.18 after 4 hours', () => {
    // Act
    const hourly = hourlyMicros(table, {
      instanceType: 't3.medium',
      market: 'on-demand',
      volumeGb: 30,
      volumeType: 'gp3',
    });

    // Assess: 41 600 + round(30 × 80 000 / 730 = 3 287.67) = 41 600 + 3 288
    expect(hourly).toBe(44_888);
    const cost = { hourlyMicros: 44_888, since, market: 'on-demand' as const };
    expect(costSoFarMicros(cost, at('2026-12-01T12:00:00Z'))).toBe(179_552);
    expect(priceLine(cost, at('2026-12-01T12:00:00Z'))).toBe('≈ $0.045/h · $0.18 so far');
  });

  it('worked example 2: t3.medium on Spot with 30 GB gp3 costs 15 788 µ$/h, $0.04 after 2h30m', () => {
    // Act
    const hourly = hourlyMicros(table, {
      instanceType: 't3.medium',
      market: 'spot',
      volumeGb: 30,
      volumeType: 'gp3',
    });

    // Assess: 12 500 + 3 288; 15 788 × 9 000 s / 3 600 = 39 470 µ$ = $0.03947 → $0.04
    expect(hourly).toBe(15_788);
    const cost = { hourlyMicros: 15_788, since, market: 'spot' as const };
    expect(costSoFarMicros(cost, at('2026-12-01T10:30:00Z'))).toBe(39_470);
    expect(priceLine(cost, at('2026-12-01T10:30:00Z'))).toBe('≈ $0.016/h Spot · $0.04 so far');
  });

  it('reads a price written as the Pricing API writes it', () => {
    // Act + Assess: 192 000 + 3 288
    expect(
      hourlyMicros(table, {
        instanceType: 'm6i.xlarge',
        market: 'on-demand',
        volumeGb: 30,
        volumeType: 'gp3',
      }),
    ).toBe(195_288);
  });

  it('has no rate for an instance type or volume type the table does not price', () => {
    // Act + Assess
    expect(
      hourlyMicros(table, { instanceType: 'c7g.large', market: 'spot', volumeGb: 30, volumeType: 'gp3' }),
    ).toBeUndefined();
    expect(
      hourlyMicros(table, { instanceType: 't3.medium', market: 'spot', volumeGb: 30, volumeType: 'io2' }),
    ).toBeUndefined();
  });
});

describe('how prices read', () => {
  it.each<[number, string]>([
    [44_888, '$0.045/h'],
    [99_499, '$0.099/h'],
    [99_500, '$0.100/h'],
    [195_288, '$0.20/h'],
    [1_234_567, '$1.23/h'],
  ])('shows a rate of %p µ$ as %j', (micros, text) => {
    // Act + Assess
    expect(formatRate(micros)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '$0.00'],
    [4_999, '< $0.01'],
    [5_000, '$0.01'],
    [4_686_912, '$4.69'],
  ])('shows an amount of %p µ$ as %j', (micros, text) => {
    // Act + Assess
    expect(formatAmount(micros)).toBe(text);
  });

  it('counts nothing before the launch and says "in all" for an environment that ended', () => {
    // Prepare
    const cost = { hourlyMicros: 195_288, since, market: 'on-demand' as const };

    // Act + Assess
    expect(costSoFarMicros(cost, at('2026-12-01T07:00:00Z'))).toBe(0);
    expect(priceLine(cost, at('2026-12-02T08:00:00Z'), { ended: true })).toBe('≈ $0.20/h · $4.69 in all');
  });

  it('totals several environments in micro-dollars and rounds to the cent only to show them', () => {
    // Prepare: three environments of 1 666 µ$ so far each: 0.17 ¢ apiece, 0.5 ¢ together
    const costs = Array.from({ length: 3 }, () => ({ hourlyMicros: 6_000, since }));

    // Act
    const total = totalOf(costs, at('2026-12-01T08:16:40Z'));

    // Assess: 6 000 × 1 000 s / 3 600 = 1 666.67 → 1 667 each
    expect(total).toEqual({ hourlyMicros: 18_000, soFarMicros: 5_001 });
    expect(totalLine(total)).toBe('≈ $0.018/h · $0.01 so far');
  });
});
