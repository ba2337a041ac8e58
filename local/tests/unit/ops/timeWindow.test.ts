import { OpsUsageError } from '../../../src/ops/target';
import { idempotencyWarning, parseTime, parseWindow, replayedFraction } from '../../../src/ops/timeWindow';

const now = new Date('2026-12-01T12:00:00.000Z');

describe('parseTime', () => {
  it.each([
    ['now', '2026-12-01T12:00:00.000Z'],
    ['90m', '2026-12-01T10:30:00.000Z'],
    ['2h ago', '2026-12-01T10:00:00.000Z'],
    ['3d', '2026-11-28T12:00:00.000Z'],
    ['1w', '2026-11-24T12:00:00.000Z'],
    ['2026-12-01T09:00Z', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T09:00:00+02:00', '2026-12-01T07:00:00.000Z'],
    ['2026-12-01 09:00', '2026-12-01T09:00:00.000Z'],
    ['2026-11-30', '2026-11-30T00:00:00.000Z'],
  ])('reads %s as %s (a time without a zone is UTC)', (text, iso) => {
    expect(parseTime(text, now).toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2h later',
    '2026-13-45T99:00Z',
    '',
  ])('refuses "%s" with the forms it accepts', (text) => {
    expect(() => parseTime(text, now)).toThrow(OpsUsageError);
    expect(() => parseTime(text, now)).toThrow(/now, a duration ago/);
  });
});

describe('parseWindow', () => {
  it('ends the window now when --to is left out', () => {
    expect(parseWindow('1h', undefined, now)).toEqual({
      from: new Date('2026-12-01T11:00:00.000Z'),
      to: now,
    });
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => parseWindow('1h', '2h', now)).toThrow(/--from .* must be before --to/);
  });

  it('refuses a window that ends in the future', () => {
    expect(() => parseWindow('1h', '2026-12-01T13:00Z', now)).toThrow(/in the future/);
  });
});

describe('idempotencyWarning', () => {
  it('warns for a window older than the 7-day idempotency records and names what guards instead', () => {
    const warning = idempotencyWarning(parseWindow('8d', '7d', now), now);

    expect(warning).toContain('older than the idempotency records (7 days)');
    expect(warning).toContain('state machine');
  });

  it('says nothing for a window inside the idempotency records', () => {
    expect(idempotencyWarning(parseWindow('6d', undefined, now), now)).toBeUndefined();
  });
});

describe('replayedFraction', () => {
  const window = { from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T12:00:00Z') };

  it('is the share of the window behind EventLastReplayedTime, clamped to 0..1', () => {
    expect(replayedFraction(window, undefined)).toBe(0);
    expect(replayedFraction(window, new Date('2026-12-01T10:30:00Z'))).toBe(0.25);
    expect(replayedFraction(window, new Date('2026-12-01T13:00:00Z'))).toBe(1);
    expect(replayedFraction(window, new Date('2026-12-01T09:00:00Z'))).toBe(0);
  });
});
