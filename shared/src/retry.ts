/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "Exponential Backoff And
 * Jitter"): attempt n waits a uniformly random time in [0, min(cap, base * 2^n)). Full jitter
 * spreads the retries of many concurrent callers (one reaper per stage, plus the provisioner) best.
 *
 * The reaper's EC2 client, and the provisioner's RunInstances client, are built with
 * `maxAttempts: 1`, so this is their only retry policy: one budget, visible in logs and metrics,
 * larger than the SDK's default of 3 attempts (a sweep that gives up leaves instances running), and
 * testable with an injected sleep. The provisioner needs it to look before it re-sends (ADR 0018). The SDK's adaptive mode was not
 * chosen: its client-side token bucket only sees one Lambda container's calls, while EC2's limit is
 * per account and region, and its delays cannot be injected in tests.
 */

export interface BackoffOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  isRetryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Error codes AWS uses for "slow down", across EC2 (RequestLimitExceeded) and the JSON services. */
export const THROTTLING_ERRORS = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'EC2ThrottledException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
]);

const TRANSIENT_ERRORS = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

interface AwsLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

export const isThrottling = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const e = error as Error & AwsLikeError;
  return (
    THROTTLING_ERRORS.has(e.name) || e.$retryable?.throttling === true || e.$metadata?.httpStatusCode === 429
  );
};

/** Throttling, 5xx and dropped connections: worth another try. Client errors (4xx) are not. */
export const isRetryableAwsError = (error: unknown): boolean => {
  if (isThrottling(error)) return true;
  if (!(error instanceof Error)) return false;
  const e = error as Error & AwsLikeError;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return TRANSIENT_ERRORS.has(e.name) || status >= 500 || NETWORK_CODES.has(e.code ?? '');
};

/**
 * A failure after which the request may still have been applied: a 5xx, a timeout, a dropped
 * connection (the answer was lost, not necessarily the request). Throttling is not: AWS refused it.
 */
export const isOutcomeUnknown = (error: unknown): boolean => {
  if (!(error instanceof Error) || isThrottling(error)) return false;
  const status = (error as Error & AwsLikeError).$metadata?.httpStatusCode;
  // No HTTP status: the failure was in transport (reset, timeout), after the request may have left.
  return status === undefined || status >= 500;
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The full-jitter delay before retry number `attempt` (0-based). */
export const backoffDelay = (
  attempt: number,
  base: number,
  cap: number,
  random: () => number = Math.random,
): number => Math.floor(random() * Math.min(cap, base * 2 ** attempt));

/** Runs `operation`, retrying retryable failures with full-jitter backoff; rethrows the last error. */
export const withBackoff = async <T>(
  operation: () => Promise<T>,
  options: BackoffOptions = {},
): Promise<T> => {
  const {
    maxAttempts = 8,
    baseDelayMs = 200,
    maxDelayMs = 10_000,
    sleep: wait = sleep,
    random = Math.random,
    isRetryable = isRetryableAwsError,
    onRetry,
  } = options;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt + 1 >= maxAttempts || !isRetryable(error)) throw error;
      const delay = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      onRetry?.(error, attempt + 1, delay);
      await wait(delay);
    }
  }
};
