import { isKnownTimeZone } from '@branch-envs/shared/timeZone';
import {
  instantsOfWallTime,
  isCurrentRun,
  isTonight,
  localDateOf,
  type NightlyConfig,
  nextNightlyRun,
  nightlyCronExpression,
  nightlyRunOn,
  parseWallClock,
  previousNightlyRun,
} from '../../src/domain/nightlySchedule';

const helsinki: NightlyConfig = { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' };
const at = (iso: string): Date => new Date(iso);

describe('nightly schedule at 19:00 Europe/Helsinki', () => {
  it.each([
    // Winter time (EET, UTC+2) before the spring change on Sunday 2026-03-29 at 03:00 local.
    [{ year: 2026, month: 3, day: 28 }, '2026-03-28T17:00:00.000Z'],
    // Summer time (EEST, UTC+3) from that day on.
    [{ year: 2026, month: 3, day: 29 }, '2026-03-29T16:00:00.000Z'],
    [{ year: 2026, month: 7, day: 1 }, '2026-07-01T16:00:00.000Z'],
    // Summer time until the autumn change on Sunday 2026-10-25 at 04:00 local.
    [{ year: 2026, month: 10, day: 24 }, '2026-10-24T16:00:00.000Z'],
    // Winter time again from that day on.
    [{ year: 2026, month: 10, day: 25 }, '2026-10-25T17:00:00.000Z'],
    [{ year: 2026, month: 11, day: 26 }, '2026-11-26T17:00:00.000Z'],
  ])('fires on %o at %s UTC', (date, expected) => {
    // Act
    const run = nightlyRunOn(date, helsinki);

    // Assess
    expect(run?.toISOString()).toBe(expected);
  });

  it('comes 23 hours after the previous run across the spring change', () => {
    // Prepare
    const saturdayRun = at('2026-03-28T17:00:00.000Z');

    // Act
    const next = nextNightlyRun(saturdayRun, helsinki);

    // Assess
    expect(next.toISOString()).toBe('2026-03-29T16:00:00.000Z');
    expect((next.getTime() - saturdayRun.getTime()) / 3_600_000).toBe(23);
  });

  it('comes 25 hours after the previous run across the autumn change', () => {
    // Prepare
    const saturdayRun = at('2026-10-24T16:00:00.000Z');

    // Act
    const next = nextNightlyRun(saturdayRun, helsinki);

    // Assess
    expect(next.toISOString()).toBe('2026-10-25T17:00:00.000Z');
    expect((next.getTime() - saturdayRun.getTime()) / 3_600_000).toBe(25);
  });

  it('does not fire an hour late in summer, as the seed’s cron(0 17 * * ? *) in UTC did', () => {
    // Prepare: the seed's schedule ran at 17:00 UTC all year, 19:00 in winter but 20:00 in summer.
    const summerDay = { year: 2026, month: 6, day: 15 };
    const seedRun = at('2026-06-15T17:00:00.000Z');

    // Act
    const run = nightlyRunOn(summerDay, helsinki);

    // Assess
    expect(run?.toISOString()).toBe('2026-06-15T16:00:00.000Z');
    expect(run?.getTime()).not.toBe(seedRun.getTime());
  });

  it('finds the previous run on the other side of a change', () => {
    // Act
    const previous = previousNightlyRun(at('2026-10-25T16:30:00.000Z'), helsinki);

    // Assess
    expect(previous.toISOString()).toBe('2026-10-24T16:00:00.000Z');
  });

  it('reads the local calendar date, which differs from UTC’s late in the evening', () => {
    // Act
    const date = localDateOf(at('2026-03-29T22:30:00.000Z'), 'Europe/Helsinki');

    // Assess
    expect(date).toEqual({ year: 2026, month: 3, day: 30 });
  });
});

describe('wall times around the changes, as EventBridge Scheduler treats them', () => {
  it('skips a wall time that does not exist on the spring-forward day', () => {
    // Prepare: clocks jump from 03:00 to 04:00 local on 2026-03-29.
    const earlyRun: NightlyConfig = { hour: 3, minute: 30, timeZone: 'Europe/Helsinki' };

    // Act
    const run = nightlyRunOn({ year: 2026, month: 3, day: 29 }, earlyRun);
    const next = nextNightlyRun(at('2026-03-28T02:00:00.000Z'), earlyRun);

    // Assess
    expect(run).toBeUndefined();
    expect(next.toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });

  it('runs once, at the first occurrence, for a wall time that happens twice on the fall-back day', () => {
    // Prepare: clocks go back from 04:00 to 03:00 local on 2026-10-25, so 03:30 happens twice.
    const wall = { year: 2026, month: 10, day: 25, hour: 3, minute: 30 };

    // Act
    const instants = instantsOfWallTime(wall, 'Europe/Helsinki');
    const run = nightlyRunOn(wall, { hour: 3, minute: 30, timeZone: 'Europe/Helsinki' });

    // Assess
    expect(instants.map((i) => i.toISOString())).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    expect(run?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('is it tonight', () => {
  it('counts an instant before tonight’s run as tonight, on the day clocks spring forward', () => {
    // Prepare: 18:00 local on 2026-03-29 is 15:00 UTC; tonight’s run is 16:00 UTC.
    const now = at('2026-03-29T15:00:00.000Z');

    // Act + Assess
    expect(isTonight(at('2026-03-29T16:00:00.000Z'), now, helsinki)).toBe(true);
    expect(isTonight(at('2026-03-29T16:01:00.000Z'), now, helsinki)).toBe(false);
  });

  it('counts an instant before tonight’s run as tonight, on the day clocks fall back', () => {
    // Prepare: 18:00 local on 2026-10-25 is 16:00 UTC; tonight’s run is 17:00 UTC.
    const now = at('2026-10-25T16:00:00.000Z');

    // Act + Assess
    expect(isTonight(at('2026-10-25T16:59:00.000Z'), now, helsinki)).toBe(true);
    expect(isTonight(at('2026-10-25T17:01:00.000Z'), now, helsinki)).toBe(false);
  });

  it('looks at tomorrow evening once tonight’s run has passed', () => {
    // Prepare: 20:00 local, an hour after the run.
    const now = at('2026-11-26T18:00:00.000Z');

    // Act + Assess
    expect(isTonight(at('2026-11-27T16:00:00.000Z'), now, helsinki)).toBe(true);
  });
});

describe('late and early deliveries', () => {
  const scheduled = at('2026-10-25T17:00:00.000Z');

  it.each([
    ['on time', '2026-10-25T17:00:30.000Z', true],
    ['a retry within the allowed lateness', '2026-10-25T18:30:00.000Z', true],
    ['a retry the next morning', '2026-10-26T06:00:00.000Z', false],
    ['an invocation well before its time', '2026-10-25T16:00:00.000Z', false],
  ])('treats a delivery %s (at %s) as current: %s', (_label, now, expected) => {
    // Act + Assess
    expect(isCurrentRun(scheduled, at(now), 2 * 3_600_000)).toBe(expected);
  });
});

describe('schedule configuration', () => {
  it('builds the Scheduler cron expression that serverless.yml builds from its params', () => {
    // Act + Assess
    expect(nightlyCronExpression(helsinki)).toBe('cron(0 19 * * ? *)');
  });

  it.each([
    ['19:00', { hour: 19, minute: 0 }],
    ['19:0', { hour: 19, minute: 0 }],
    ['7:05', { hour: 7, minute: 5 }],
    ['24:00', undefined],
    ['19.00', undefined],
  ])('parses %s as %o', (text, expected) => {
    // Act + Assess
    expect(parseWallClock(text)).toEqual(expected);
  });

  it('knows real zones and rejects made-up ones', () => {
    // Act + Assess
    expect(isKnownTimeZone('Europe/Helsinki')).toBe(true);
    expect(isKnownTimeZone('Europe/Atlantis')).toBe(false);
  });
});
