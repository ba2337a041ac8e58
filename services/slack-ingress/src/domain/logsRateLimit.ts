/**
 * The per-user limit on log requests (ADR 0030): a fixed one-minute window counted in DynamoDB, so
 * every Lambda container sees the same count. Pure arithmetic here; the adapter does the atomic add.
 */

export type RateVerdict = { allowed: true } | { allowed: false; limit: number; retryAfterSeconds: number };

export interface LogsRateLimiter {
  /** Counts one request of `userId` at `now`, unless the window is full. */
  take(userId: string, now: Date): Promise<RateVerdict>;
}

export const WINDOW_SECONDS = 60;

/** The window `now` falls in, by its start in epoch seconds. */
export const windowOf = (now: Date): number =>
  Math.floor(now.getTime() / 1000 / WINDOW_SECONDS) * WINDOW_SECONDS;

/** Seconds until the window of `now` ends (at least 1). */
export const secondsLeftIn = (now: Date): number =>
  Math.max(1, windowOf(now) + WINDOW_SECONDS - Math.ceil(now.getTime() / 1000));

/** The verdict once the store said whether the count was below the limit. */
export const verdictOf = (counted: boolean, limit: number, now: Date): RateVerdict =>
  counted ? { allowed: true } : { allowed: false, limit, retryAfterSeconds: secondsLeftIn(now) };
