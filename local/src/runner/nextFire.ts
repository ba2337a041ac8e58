import { wallTimeOf } from '@branch-envs/shared/timeZone';
import { type CronSpec, calendar, type ScheduleExpression, type WallTime } from './scheduleExpression';

const asUtc = (w: WallTime): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);

const offsetAt = (instant: number, timeZone: string): number => {
  const wall = wallTimeOf(instant, timeZone);
  return asUtc(wall) + wall.second * 1000 - Math.floor(instant / 1000) * 1000;
};

const sameWall = (a: WallTime, b: WallTime): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/**
 * The instant a wall-clock time happens in a time zone, or undefined when it does not exist (the hour
 * skipped when clocks go forward). A time that happens twice (clocks going back) resolves to the first.
 * Offsets change at most once within a day, so the offsets a day before and after cover both cases.
 */
export const instantOf = (wall: WallTime, timeZone: string): number | undefined => {
  const utc = asUtc(wall);
  const candidates = [utc - offsetAt(utc - 86_400_000, timeZone), utc - offsetAt(utc + 86_400_000, timeZone)];
  const valid = candidates.filter((instant) => sameWall(wallTimeOf(instant, timeZone), wall));
  return valid.length > 0 ? Math.min(...valid) : undefined;
};

const nextDay = (w: WallTime): WallTime => {
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return {
    year: next.getUTCFullYear(),
    month: next.getUTCMonth() + 1,
    day: next.getUTCDate(),
    hour: 0,
    minute: 0,
  };
};

const dayMatches = (cron: CronSpec, w: WallTime): boolean =>
  cron.years(w.year) &&
  cron.months.has(w.month) &&
  w.day <= calendar.daysInMonth(w.year, w.month) &&
  cron.day(w.year, w.month, w.day);

/** The first matching time on one day at or after minute-of-day `fromMinute` that lies after `after`. */
const firstOnDay = (
  cron: CronSpec,
  w: WallTime,
  after: number,
  timeZone: string,
  fromMinute: number,
): number | undefined => {
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      if (hour * 60 + minute < fromMinute) continue;
      const instant = instantOf({ ...w, hour, minute }, timeZone);
      // A skipped wall time is not run, as EventBridge Scheduler does on the spring DST change.
      if (instant !== undefined && instant > after) return instant;
    }
  }
  return undefined;
};

/** Searches at most this many days ahead; enough for `cron(0 0 29 2 ? *)` and any year field in use. */
const SEARCH_DAYS = 366 * 8;

const nextCron = (cron: CronSpec, after: number, timeZone: string): number | undefined => {
  let day: WallTime = wallTimeOf(after, timeZone);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    if (dayMatches(cron, day)) {
      const found = firstOnDay(cron, day, after, timeZone, i === 0 ? day.hour * 60 + day.minute : 0);
      if (found !== undefined) return found;
    }
    day = nextDay(day);
  }
  return undefined;
};

/**
 * When a schedule fires next, strictly after `after` (epoch ms). Cron and one-time expressions are
 * evaluated in `timeZone` (UTC for EventBridge rules); rate expressions count from `startedAt`.
 */
export const nextFireTime = (
  expression: ScheduleExpression,
  after: number,
  timeZone = 'UTC',
  startedAt = after,
): number | undefined => {
  if (expression.kind === 'rate') {
    const periods = Math.floor((after - startedAt) / expression.everyMs) + 1;
    return startedAt + periods * expression.everyMs;
  }
  if (expression.kind === 'at') {
    const instant = instantOf(expression.wall, timeZone);
    return instant !== undefined && instant > after ? instant : undefined;
  }
  return nextCron(expression.cron, after, timeZone);
};
