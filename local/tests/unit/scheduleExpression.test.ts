import { instantOf, nextFireTime } from '../../src/runner/nextFire';
import { parseScheduleExpression, ScheduleExpressionError } from '../../src/runner/scheduleExpression';

const at = (iso: string): number => Date.parse(iso);
const next = (expression: string, after: string, timeZone?: string): string | undefined => {
  const fire = nextFireTime(parseScheduleExpression(expression), at(after), timeZone);
  return fire === undefined ? undefined : new Date(fire).toISOString();
};

describe('rate expressions', () => {
  it('fires one period after the clock started, then every period', () => {
    // Prepare
    const expression = parseScheduleExpression('rate(5 minutes)');
    const started = at('2026-01-01T00:00:00Z');

    // Act
    const first = nextFireTime(expression, started, 'UTC', started);
    const later = nextFireTime(expression, at('2026-01-01T00:07:00Z'), 'UTC', started);

    // Assess
    expect(new Date(first ?? 0).toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(new Date(later ?? 0).toISOString()).toBe('2026-01-01T00:10:00.000Z');
  });

  it('accepts the singular unit and rejects a zero rate', () => {
    // Act
    const hourly = parseScheduleExpression('rate(1 hour)');

    // Assess
    expect(hourly).toMatchObject({ kind: 'rate', everyMs: 3_600_000 });
    expect(() => parseScheduleExpression('rate(0 minutes)')).toThrow(ScheduleExpressionError);
  });
});

describe('cron expressions in UTC', () => {
  it('fires every minute for a wildcard minute', () => {
    expect(next('cron(* * * * ? *)', '2026-05-01T10:15:30Z')).toBe('2026-05-01T10:16:00.000Z');
  });

  it('handles steps, ranges and lists', () => {
    expect(next('cron(0/15 8-17 * * ? *)', '2026-05-01T17:50:00Z')).toBe('2026-05-02T08:00:00.000Z');
    expect(next('cron(5,35 * * * ? *)', '2026-05-01T10:06:00Z')).toBe('2026-05-01T10:35:00.000Z');
  });

  it('understands weekday names with ? in day-of-month', () => {
    // 2026-05-01 is a Friday, so the next MON-FRI 09:00 after Friday evening is Monday the 4th.
    expect(next('cron(0 9 ? * MON-FRI *)', '2026-05-01T18:00:00Z')).toBe('2026-05-04T09:00:00.000Z');
  });

  it('supports L for the last day of the month', () => {
    expect(next('cron(0 12 L * ? *)', '2026-02-03T00:00:00Z')).toBe('2026-02-28T12:00:00.000Z');
  });

  it('supports W for the nearest weekday', () => {
    // 2026-08-15 is a Saturday; the nearest weekday is Friday the 14th.
    expect(next('cron(0 12 15W * ? *)', '2026-08-01T00:00:00Z')).toBe('2026-08-14T12:00:00.000Z');
  });

  it('supports # for the nth weekday of the month', () => {
    // The second Tuesday (3#2) of June 2026 is the 9th.
    expect(next('cron(0 10 ? * 3#2 *)', '2026-06-01T00:00:00Z')).toBe('2026-06-09T10:00:00.000Z');
  });

  it('supports nL for the last given weekday of the month', () => {
    // The last Friday (6L) of July 2026 is the 31st.
    expect(next('cron(0 10 ? * 6L *)', '2026-07-01T00:00:00Z')).toBe('2026-07-31T10:00:00.000Z');
  });

  it('respects the year field and ends when no year is left', () => {
    expect(next('cron(0 0 1 1 ? 2027)', '2026-05-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2025)', '2026-05-01T00:00:00Z')).toBeUndefined();
  });

  it('refuses a cron without exactly one ?', () => {
    expect(() => parseScheduleExpression('cron(0 19 * * * *)')).toThrow(/exactly one/);
    expect(() => parseScheduleExpression('cron(0 19 * *)')).toThrow(/six fields/);
  });
});

describe('cron expressions in a time zone', () => {
  it('fires the nightly Helsinki schedule at 17:00 UTC in winter and 16:00 UTC in summer', () => {
    expect(next('cron(0 19 * * ? *)', '2026-01-15T12:00:00Z', 'Europe/Helsinki')).toBe(
      '2026-01-15T17:00:00.000Z',
    );
    expect(next('cron(0 19 * * ? *)', '2026-07-15T12:00:00Z', 'Europe/Helsinki')).toBe(
      '2026-07-15T16:00:00.000Z',
    );
  });

  it('moves to the summer offset on the day clocks go forward', () => {
    // Helsinki switches to EEST at 03:00 local on Sunday 2026-03-29.
    expect(next('cron(0 19 * * ? *)', '2026-03-28T18:00:00Z', 'Europe/Helsinki')).toBe(
      '2026-03-29T16:00:00.000Z',
    );
  });

  it('skips a local time that does not exist when clocks go forward', () => {
    // 03:30 does not happen in Helsinki on 2026-03-29; the next 03:30 is on the 30th (EEST, UTC+3).
    expect(next('cron(30 3 * * ? *)', '2026-03-28T23:00:00Z', 'Europe/Helsinki')).toBe(
      '2026-03-30T00:30:00.000Z',
    );
  });

  it('fires a repeated local time only once when clocks go back', () => {
    // 03:30 happens twice in Helsinki on 2026-10-25: at 00:30 UTC (EEST) and 01:30 UTC (EET).
    const first = next('cron(30 3 * * ? *)', '2026-10-24T23:00:00Z', 'Europe/Helsinki');
    const second = next('cron(30 3 * * ? *)', '2026-10-25T00:30:00Z', 'Europe/Helsinki');

    expect(first).toBe('2026-10-25T00:30:00.000Z');
    expect(second).toBe('2026-10-26T01:30:00.000Z');
  });
});

describe('instantOf', () => {
  it('returns undefined for a wall time inside the spring gap', () => {
    expect(
      instantOf({ year: 2026, month: 3, day: 29, hour: 3, minute: 15 }, 'Europe/Helsinki'),
    ).toBeUndefined();
  });

  it('resolves a one-time at() schedule in its time zone', () => {
    expect(next('at(2026-12-24T18:00:00)', '2026-12-01T00:00:00Z', 'Europe/Helsinki')).toBe(
      '2026-12-24T16:00:00.000Z',
    );
  });
});
