/**
 * How to answer Slack's 429: wait for Retry-After and try again, a bounded number of times, and only
 * while this invocation has time for it. Otherwise the record goes back to SQS, which redelivers it
 * after the visibility timeout — later than Retry-After, never sooner.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Time kept back for the rest of the record's work after the wait. */
  marginMs: number;
  /** When Slack sends no usable Retry-After. */
  defaultDelayMs: number;
}

export const SLACK_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, marginMs: 5_000, defaultDelayMs: 1_000 };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; retryAfterSeconds: number };

/** Retry-After is delta-seconds (Slack's form) or an HTTP date. */
export const parseRetryAfter = (header: string | null, now: Date): number | undefined => {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
};

export const retryDecision = (
  input: { retryAfter: string | null; attempt: number; remainingMs: number; now: Date },
  policy: RetryPolicy = SLACK_RETRY_POLICY,
): RetryDecision => {
  const delayMs = parseRetryAfter(input.retryAfter, input.now) ?? policy.defaultDelayMs;
  const fits = delayMs + policy.marginMs <= input.remainingMs;
  if (input.attempt < policy.maxAttempts && fits) return { retry: true, delayMs };
  return { retry: false, retryAfterSeconds: Math.ceil(delayMs / 1000) };
};
