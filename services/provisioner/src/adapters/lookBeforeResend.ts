import {
  type BackoffOptions,
  backoffDelay,
  isOutcomeUnknown,
  isRetryableAwsError,
  sleep,
} from '@branch-envs/shared/retry';

/** How a non-idempotent call is re-sent; `sleep` and `random` are injected by tests. */
export type ResendPolicy = Omit<BackoffOptions, 'isRetryable' | 'onRetry'> & {
  /** A definite answer whatever its HTTP status (EC2 sends some capacity errors as 5xx). */
  isFinal?: (error: unknown) => boolean;
};

/**
 * Sends a call whose re-send could repeat its effect (RunInstances: moto ignores ClientToken, issue
 * 17's duplicateInstances). After a failure that may hide a success (a 5xx, a timeout, a reset), it
 * waits, then asks `lookup` for what the lost call did, and returns that if found; only then, or after
 * throttling (refused, so nothing happened), does it send again, with full-jitter backoff. The last
 * error is rethrown when the attempts are used up or the error is not worth another try.
 */
export const lookBeforeResend = async <T>(
  send: () => Promise<T>,
  lookup: () => Promise<T | undefined>,
  policy: ResendPolicy = {},
): Promise<T> => {
  const settings: Settings = { ...DEFAULTS, ...policy };
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const found = await recover(error, attempt, lookup, settings);
      if (found !== undefined) return found;
    }
  }
};

type Settings = Required<Omit<ResendPolicy, 'isFinal'>> & Pick<ResendPolicy, 'isFinal'>;

const DEFAULTS: Settings = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  random: Math.random,
  sleep,
};

/** After a failed send: what the lost call did (found by `lookup`), undefined to send again, or the error rethrown. */
const recover = async <T>(
  error: unknown,
  attempt: number,
  lookup: () => Promise<T | undefined>,
  s: Settings,
): Promise<T | undefined> => {
  if (s.isFinal?.(error)) throw error;
  const unknown = isOutcomeUnknown(error);
  const again = attempt + 1 < s.maxAttempts && isRetryableAwsError(error);
  if (!unknown && !again) throw error;
  // Wait first, even before the look-up: a launch whose answer was lost may not be listed yet.
  await s.sleep(Math.max(s.baseDelayMs, backoffDelay(attempt, s.baseDelayMs, s.maxDelayMs, s.random)));
  const found = unknown ? await lookup() : undefined;
  if (found !== undefined || again) return found;
  throw error;
};
