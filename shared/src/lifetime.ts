/**
 * When an environment really ends. Two things end it: its expiry (the TTL sweep) and the nightly
 * shutdown (unless it is kept overnight). Every message that says when an environment ends states
 * the earlier of the two, computed here, so ingress, the notifier and the reaper cannot disagree
 * (ADR 0012).
 */

import { addDays, localDateOf, type NightlyConfig, nextNightlyRun, nightlyRunOn } from './nightlySchedule';

export type { NightlyConfig } from './nightlySchedule';

/** What ends an environment first: its expiry (`ttl`) or the nightly shutdown (`nightly`). */
export type EndCause = 'ttl' | 'nightly';

export interface RealEnd {
  /** Epoch seconds. */
  at: number;
  cause: EndCause;
}

/** The lifetime fields of a deployment record that decide its end. */
export interface Lifetime {
  /** Epoch seconds. */
  expiresAt: number;
  keepOvernight: boolean;
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/**
 * The nightly run that will end an environment: the next one after `now`, or, when it is kept
 * overnight, the one after that (the run that spares it clears the flag).
 */
export const endingNightlyRun = (keepOvernight: boolean, now: Date, nightly: NightlyConfig): Date => {
  const next = nextNightlyRun(now, nightly);
  return keepOvernight ? nextNightlyRun(next, nightly) : next;
};

/**
 * The earlier of the expiry and the nightly run that ends it. A tie is the nightly shutdown: that
 * is the run that ends it, and what the user can do about it ([Keep overnight]) is the same.
 */
export const realEnd = (lifetime: Lifetime, now: Date, nightly: NightlyConfig): RealEnd => {
  const nightlyAt = seconds(endingNightlyRun(lifetime.keepOvernight, now, nightly));
  return lifetime.expiresAt < nightlyAt
    ? { at: lifetime.expiresAt, cause: 'ttl' }
    : { at: nightlyAt, cause: 'nightly' };
};

/**
 * What `overnight` means (ADR 0012): the environment lives until the nightly shutdown of the next
 * calendar day in the schedule's zone. Asked before tonight's run, it survives tonight's and ends at
 * tomorrow's; asked after tonight's run (or at it), it lives through the night and ends at
 * tomorrow's. A day whose wall time does not exist (a DST gap) has no run; the next day's counts.
 */
export const overnightEnd = (now: Date, nightly: NightlyConfig): Date => {
  const today = localDateOf(now, nightly.timeZone);
  for (let days = 1; days <= 7; days += 1) {
    const run = nightlyRunOn(addDays(today, days), nightly);
    if (run) return run;
  }
  throw new RangeError(`no nightly run within a week of ${now.toISOString()} in ${nightly.timeZone}`);
};

/** Whether the nightly run that is next after `now` would end an environment kept until `until`. */
export const sparesTonight = (until: Date, now: Date, nightly: NightlyConfig): boolean =>
  nextNightlyRun(now, nightly).getTime() < until.getTime();
