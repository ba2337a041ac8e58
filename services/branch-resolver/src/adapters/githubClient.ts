import type { Logger } from '@aws-lambda-powertools/logger';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

export const ResolverOctokit = Octokit.plugin(retry, throttling);
export type ResolverOctokit = InstanceType<typeof ResolverOctokit>;

export interface GithubClientOptions {
  /** `https://api.github.com`, a GHE `https://host/api/v3`, or the local stand-in. */
  baseUrl: string;
  /** Absent: anonymous (60 requests an hour, REST only). */
  token?: string;
  /** Per HTTP attempt, so a retry gets its own full timeout. */
  timeoutMs: number;
  /** In-process retries of a 5xx or timeout; SQS redelivery does the rest, with backoff. */
  retries: number;
  /** plugin-retry waits `retryCount² × this` ms; tests shorten it. */
  retryBaseMs?: number;
  logger: Logger;
}

/**
 * plugin-retry's default list plus 429: GitHub answers both rate limits with 403 or 429 and asks
 * clients to wait for `retry-after` or `x-ratelimit-reset`, never to re-send at once. The throttling
 * plugin decides about rate limits; plugin-retry re-sends only 5xx and timeouts.
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/** A fetch that gives up after `timeoutMs`, on top of any signal the caller passed. */
export const fetchWithTimeout =
  (timeoutMs: number, base: typeof fetch = fetch): typeof fetch =>
  (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };

/**
 * The one Octokit of a warm Lambda, built with `.defaults`-style options as octokit/rest.js
 * recommends. Rate limits are never waited out in Lambda: `onRateLimit` declines, so the request
 * fails and the user is told when the limit resets. A short secondary-limit pause is retried once.
 */
export const createGithubClient = (options: GithubClientOptions): ResolverOctokit => {
  const { logger } = options;
  return new ResolverOctokit({
    baseUrl: options.baseUrl,
    ...(options.token ? { auth: options.token } : {}),
    userAgent: 'branch-envs-branch-resolver',
    request: { fetch: fetchWithTimeout(options.timeoutMs) },
    retry: {
      retries: options.retries,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      doNotRetry: DO_NOT_RETRY,
    },
    throttle: {
      onRateLimit: (retryAfter: number) => {
        logger.warn('GitHub rate limit exhausted; not waiting', { retryAfterSeconds: retryAfter });
        return false;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        _options: unknown,
        _octokit: unknown,
        retryCount: number,
      ) => {
        logger.warn('GitHub secondary rate limit', { retryAfterSeconds: retryAfter, retryCount });
        return retryCount === 0 && retryAfter <= 5;
      },
    },
    // @octokit/rest logs every non-2xx as an error, 304s and 404s included; the gateway decides
    // what a failure means and logs it, so Octokit's own lines are debug noise.
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => logger.warn(message),
      error: (message: string) => logger.debug(message),
    },
  });
};
