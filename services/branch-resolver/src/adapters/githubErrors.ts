import * as z from 'zod';
import { GithubRateLimitedError, GithubRefusedError, GithubUnavailableError, UpstreamError } from '../errors';

type Headers = Record<string, string | number | undefined>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const recordOr = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

/** Octokit's RequestError, the throttling plugin's GraphQL error and GraphqlResponseError differ in shape. */
const facts = (error: unknown) => {
  const e = recordOr(error);
  const response = recordOr(e.response);
  const headers = (isRecord(response.headers) ? response.headers : recordOr(e.headers)) as Headers;
  const data = isRecord(e.data) ? e.data : recordOr(response.data);
  const errors: unknown[] = Array.isArray(e.errors)
    ? e.errors
    : Array.isArray(data.errors)
      ? data.errors
      : [];
  return {
    status: typeof e.status === 'number' ? e.status : undefined,
    headers,
    message: typeof e.message === 'string' ? e.message : String(error),
    graphqlErrors: errors.length,
    graphqlTypes: errors.map((g) => String(recordOr(g).type ?? '')),
    // Duck-typed: fetch's DOMException may come from another realm (undici, test sandboxes).
    causeName: typeof recordOr(e.cause).name === 'string' ? String(recordOr(e.cause).name) : undefined,
  };
};

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
};

/**
 * GitHub's documented order: `retry-after` if present, else `x-ratelimit-reset` when none remain,
 * else at least a minute. A 429 is always a rate limit; a 403 only when it says so.
 */
const rateLimitReset = (f: ReturnType<typeof facts>, nowSeconds: number): number | undefined => {
  const limited = f.status === 403 || f.status === 429;
  const primary =
    (limited && header(f.headers, 'x-ratelimit-remaining') === '0') ||
    f.graphqlTypes.includes('RATE_LIMITED');
  if (primary) return Number(header(f.headers, 'x-ratelimit-reset')) || nowSeconds + 3600;
  const retryAfter = Number(header(f.headers, 'retry-after'));
  if (limited && retryAfter > 0) return nowSeconds + retryAfter;
  if (f.status === 429 || (limited && /rate limit/i.test(f.message))) return nowSeconds + 60;
  return undefined;
};

/**
 * GitHub answers a repository it does not show with HTTP 200, `repository: null` and an error of
 * type NOT_FOUND; @octokit/graphql throws that as a GraphqlResponseError. Its partial data is the
 * answer ("no such repository"), not an outage.
 */
export const dataDespiteNotFound = (error: unknown): unknown => {
  const e = recordOr(error);
  if (e.status !== undefined || !Array.isArray(e.errors) || e.errors.length === 0) return undefined;
  const allNotFound = e.errors.every((g) => recordOr(g).type === 'NOT_FOUND');
  return allNotFound && isRecord(e.data) ? e.data : undefined;
};

/** What is left once rate limits and timeouts are ruled out: an outage to retry, or a refusal. */
const refusalOrOutage = (f: ReturnType<typeof facts>, error: unknown): UpstreamError => {
  // An HTTP 200 with GraphQL errors (FORBIDDEN, a query GitHub rejects): a retry fails the same way.
  if (f.status === undefined && f.graphqlErrors > 0) {
    const types = f.graphqlTypes.filter((type) => type !== '').join(', ') || 'untyped';
    return new GithubRefusedError(
      `GitHub refused the resolver's query (${types}).`,
      `GitHub GraphQL errors (${types}): ${f.message}`,
      { cause: error },
    );
  }
  if (f.status === undefined || f.status >= 500) {
    return new GithubUnavailableError(f.status ? `HTTP ${f.status}` : 'no answer', { cause: error });
  }
  if (f.status === 401) {
    return new GithubRefusedError("GitHub refused the resolver's token.", 'GitHub answered 401', {
      cause: error,
    });
  }
  if (f.status === 403) return permissionRefused(f, error);
  return new GithubRefusedError(
    `GitHub refused the request (HTTP ${f.status}).`,
    `GitHub answered ${f.status}: ${f.message}`,
    { cause: error },
  );
};

/**
 * Sorts a GitHub failure into what happens next: a rate limit is answered at once with its reset
 * time; a 5xx, a timeout or no answer at all is retried through SQS; anything else (bad token, no
 * access, an answer of the wrong shape) is answered at once, because a retry would fail the same way.
 */
export const toUpstreamError = (error: unknown, now: () => number = Date.now): UpstreamError => {
  if (error instanceof UpstreamError) return error;
  if (error instanceof z.ZodError) {
    return new GithubRefusedError(
      'GitHub answered in a shape the resolver does not understand.',
      `unexpected GitHub response: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { cause: error },
    );
  }
  const f = facts(error);
  const resetAt = rateLimitReset(f, Math.floor(now() / 1000));
  if (resetAt !== undefined) {
    return new GithubRateLimitedError(resetAt, header(f.headers, 'x-ratelimit-resource') ?? 'core', {
      cause: error,
    });
  }
  if (f.causeName === 'TimeoutError' || f.causeName === 'AbortError') {
    return new GithubUnavailableError('no answer in time', { cause: error });
  }
  return refusalOrOutage(f, error);
};

/**
 * A 403 that is no rate limit: the token may not read what the resolver asked for ("Resource not
 * accessible by personal access token" / "… by integration"). GitHub names the permission the
 * endpoint accepts in `X-Accepted-GitHub-Permissions`; the resolver needs Pull requests and
 * Contents, both read (services/branch-resolver/README.md, Token).
 */
const permissionRefused = (f: ReturnType<typeof facts>, error: unknown): GithubRefusedError => {
  const accepted = header(f.headers, 'x-accepted-github-permissions');
  return new GithubRefusedError(
    "GitHub refused the resolver's token access to the repository: it needs Pull requests: read and " +
      `Contents: read there${accepted ? ` (this call accepts ${accepted})` : ''}.`,
    `GitHub answered 403: ${f.message}`,
    { cause: error },
  );
};
