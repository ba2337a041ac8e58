import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod';
import { CallBudgetExceededError, GithubUnavailableError } from '../errors';
import type { EtagCache } from './etagCache';
import type { ResolverOctokit } from './githubClient';
import { dataDespiteNotFound, toUpstreamError } from './githubErrors';

export type ResponseHeaders = Record<string, string | number | undefined>;

export interface Projection<T> {
  /** From GitHub's answer to the compact shape the resolver keeps. */
  parse(data: unknown, headers: ResponseHeaders): T;
  /** That compact shape, re-checked when it comes back out of the cache. */
  cached: z.ZodType<T>;
}

export type GetResult<T> =
  | { kind: 'ok'; body: T }
  | { kind: 'missing' }
  | { kind: 'invalid'; message: string };

export interface GithubCallStats {
  /** GitHub calls made; plugin-retry's in-process retries of one call are not counted again. */
  calls: number;
  /** Calls GitHub answered 304 from the ETag cache: they cost no rate limit. */
  notModified: number;
  rateLimitRemaining?: number;
}

export interface RequestContext {
  octokit: ResolverOctokit;
  cache: EtagCache;
  /** The token, only to key the cache: GitHub's ETags differ per credential. Never stored. */
  token?: string;
  maxCalls: number;
  logger: Logger;
  now: () => number;
}

const statusOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
    ? error.status
    : undefined;

const credentialIdOf = (token: string | undefined): string =>
  token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}` : 'anonymous';

/**
 * The cache key of a GET: a format version, the credential (GitHub's ETags differ per token; only a
 * hash of it is kept) and the absolute request URL.
 */
export const cacheKeyOf = (token: string | undefined, url: string): string =>
  `v1 ${credentialIdOf(token)} GET ${url}`;

/** A body cut short (a timeout while reading it) reaches Octokit's parser as a string. */
const requireJson = (data: unknown): unknown => {
  if (typeof data === 'string') throw new GithubUnavailableError('incomplete answer');
  return data;
};

const readCache = async <T>(ctx: RequestContext, key: string, schema: z.ZodType<T>) => {
  try {
    const entry = await ctx.cache.get(key);
    const body = entry ? schema.safeParse(entry.body) : undefined;
    return entry && body?.success ? { etag: entry.etag, body: body.data } : undefined;
  } catch (error) {
    ctx.logger.warn('GitHub response cache unreadable; asking GitHub unconditionally', { error });
    return undefined;
  }
};

const writeCache = async (ctx: RequestContext, key: string, etag: string, body: unknown): Promise<void> => {
  try {
    await ctx.cache.put(key, { etag, body });
  } catch (error) {
    ctx.logger.warn('GitHub response cache not written', { error });
  }
};

/**
 * The GitHub calls of one resolution: a budget (docs/architecture.md §10), conditional GETs against the ETag
 * cache, and a count of what they cost.
 */
export const createRequestSession = (ctx: RequestContext) => {
  const stats: GithubCallStats = { calls: 0, notModified: 0 };

  const spend = (): void => {
    if (stats.calls >= ctx.maxCalls) throw new CallBudgetExceededError(ctx.maxCalls);
    stats.calls += 1;
  };

  const observe = (headers: ResponseHeaders): void => {
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (Number.isFinite(remaining)) stats.rateLimitRemaining = remaining;
  };

  /** What a failed GET means: a 304 is the cached body, a 404 or 422 an answer, the rest an error. */
  const settle = <T>(error: unknown, cached: { body: T } | undefined): GetResult<T> => {
    const status = statusOf(error);
    if (status === 304 && cached) {
      stats.notModified += 1;
      return { kind: 'ok', body: cached.body };
    }
    if (status === 404) return { kind: 'missing' };
    if (status === 422) return { kind: 'invalid', message: error instanceof Error ? error.message : '' };
    throw toUpstreamError(error, ctx.now);
  };

  /** A GET that sends the cached ETag; a 304 returns the cached body, a 200 refreshes it. */
  const get = async <T>(
    route: string,
    params: Record<string, unknown>,
    projection: Projection<T>,
  ): Promise<GetResult<T>> => {
    spend();
    const key = cacheKeyOf(ctx.token, ctx.octokit.request.endpoint(route, params).url);
    const cached = await readCache(ctx, key, projection.cached);
    try {
      const headers = cached ? { 'if-none-match': cached.etag } : {};
      const response = await ctx.octokit.request(route, { ...params, headers });
      observe(response.headers);
      const body = projection.parse(requireJson(response.data), response.headers);
      if (response.headers.etag) await writeCache(ctx, key, response.headers.etag, body);
      return { kind: 'ok', body };
    } catch (error) {
      return settle(error, cached);
    }
  };

  /** A GraphQL query: never conditional, so it always costs rate limit (GraphQL points). */
  const graphql = async (query: string, variables: Record<string, unknown>): Promise<unknown> => {
    spend();
    try {
      return await ctx.octokit.graphql(query, variables);
    } catch (error) {
      const answer = dataDespiteNotFound(error);
      if (answer !== undefined) return answer;
      throw toUpstreamError(error, ctx.now);
    }
  };

  return {
    get,
    graphql,
    callsLeft: () => ctx.maxCalls - stats.calls,
    stats: (): GithubCallStats => ({ ...stats }),
  };
};
