/**
 * When the nightly shutdown happens, in UTC, for a wall-clock time in a named time zone. The reaper
 * runs it; ingress and the notifier state it to users, so all three share this one implementation. EventBridge
 * Scheduler evaluates `cron(M H * * ? *)` in `ScheduleExpressionTimezone`, so the UTC instant moves
 * by an hour across daylight-saving changes; the seed's fixed UTC cron was wrong half the year.
 * This module mirrors Scheduler's rules so the handler and the tests agree with what AWS does:
 * a wall time that does not exist (spring forward) is skipped that day, and a wall time that
 * happens twice (fall back) runs once, at the first occurrence.
 */

import { wallTimeOf } from './timeZone';

export interface NightlyConfig {
  hour: number;
  minute: number;
  /** An IANA zone name, e.g. `Europe/Helsinki`. */
  timeZone: string;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface WallTime extends LocalDate {
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** The zone's offset from UTC at an instant, in ms (Helsinki: +2 h in winter, +3 h in summer). */
const offsetAt = (instant: number, timeZone: string): number => {
  const w = wallTimeOf(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
};

/**
 * Every UTC instant at which the zone's clocks show `wall`, earliest first: none in a
 * spring-forward gap, two in a fall-back overlap, otherwise one.
 */
export const instantsOfWallTime = (wall: WallTime, timeZone: string): Date[] => {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsets = new Set([offsetAt(naive - DAY_MS, timeZone), offsetAt(naive + DAY_MS, timeZone)]);
  return [...offsets]
    .map((offset) => naive - offset)
    .filter((candidate) => naive - offsetAt(candidate, timeZone) === candidate)
    .sort((a, b) => a - b)
    .map((ms) => new Date(ms));
};

/** The calendar date the zone's clocks show at an instant. */
export const localDateOf = (instant: Date, timeZone: string): LocalDate => {
  const { year, month, day } = wallTimeOf(instant.getTime(), timeZone);
  return { year, month, day };
};

/** The local date `days` after (or before) another. */
export const addDays = ({ year, month, day }: LocalDate, days: number): LocalDate => {
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
};

/**
 * The UTC instant the nightly schedule fires on a local date, or undefined when its wall time does
 * not exist that day (Scheduler skips it).
 */
export const nightlyRunOn = (date: LocalDate, config: NightlyConfig): Date | undefined =>
  instantsOfWallTime({ ...date, hour: config.hour, minute: config.minute }, config.timeZone)[0];

/** The first nightly run strictly after `after`. */
export const nextNightlyRun = (after: Date, config: NightlyConfig): Date => {
  const today = localDateOf(after, config.timeZone);
  for (let days = 0; days < 7; days += 1) {
    const run = nightlyRunOn(addDays(today, days), config);
    if (run && run.getTime() > after.getTime()) return run;
  }
  throw new RangeError(`no nightly run within a week of ${after.toISOString()} in ${config.timeZone}`);
};

/** The latest nightly run at or before `at`. */
export const previousNightlyRun = (at: Date, config: NightlyConfig): Date => {
  const today = localDateOf(at, config.timeZone);
  for (let days = 0; days < 7; days += 1) {
    const run = nightlyRunOn(addDays(today, -days), config);
    if (run && run.getTime() <= at.getTime()) return run;
  }
  throw new RangeError(`no nightly run within a week before ${at.toISOString()} in ${config.timeZone}`);
};

/**
 * Whether `instant` comes before tonight's shutdown, "tonight" being the next nightly run after
 * `now`. An expiry for which this holds ends the environment before the nightly run matters.
 */
export const isTonight = (instant: Date, now: Date, config: NightlyConfig): boolean =>
  instant.getTime() <= nextNightlyRun(now, config).getTime();

/**
 * Whether an invocation scheduled for `scheduledTime` may still act at `now`. Scheduler retries a
 * failed invocation for up to a day by default; a nightly shutdown delivered the next morning
 * would end environments people just started, so a late one is dropped.
 */
export const isCurrentRun = (scheduledTime: Date, now: Date, maxLatenessMs: number): boolean => {
  const lateness = now.getTime() - scheduledTime.getTime();
  return lateness >= -MINUTE_MS && lateness <= maxLatenessMs;
};

/** The Scheduler expression for the config; serverless.yml builds the same one from its params. */
export const nightlyCronExpression = ({ hour, minute }: NightlyConfig): string =>
  `cron(${minute} ${hour} * * ? *)`;

/** Parses `HH:MM` (24-hour). */
export const parseWallClock = (text: string): { hour: number; minute: number } | undefined => {
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(text.trim());
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) return undefined;
  return { hour, minute };
};
