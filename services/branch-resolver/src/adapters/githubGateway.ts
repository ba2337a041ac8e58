import type { Logger } from '@aws-lambda-powertools/logger';
import type { GithubPort, PullPage, SearchResult } from '../domain/ports';
import { GithubRefusedError } from '../errors';
import type { EtagCache } from './etagCache';
import type { ResolverOctokit } from './githubClient';
import { createRequestSession, type GithubCallStats } from './githubRequests';
import {
  BranchHeadSchema,
  branchFromRest,
  OPEN_PULLS_QUERY,
  PullPageSchema,
  PullSummarySchema,
  pullFromRest,
  pullPageFromGraphql,
  pullPageFromRest,
  SearchResultSchema,
  searchFromRest,
} from './githubShapes';
import { rememberOpenBranches } from './openBranchesSnapshot';

export type { GithubCallStats } from './githubRequests';

/** docs/architecture.md §10: a resolution makes at most this many GitHub calls. */
export const MAX_GITHUB_CALLS = 2;
const PAGE_SIZE = 100;

export interface GithubSession extends GithubPort {
  stats(): GithubCallStats;
}

export interface GithubGatewayOptions {
  octokit: ResolverOctokit;
  owner: string;
  repo: string;
  cache: EtagCache;
  /** Keys the cache per credential; absent means anonymous. */
  token?: string;
  /** `graphql` lists open pull requests through GraphQL; it needs a token, so anonymous falls back to REST. */
  listing: 'rest' | 'graphql';
  maxCalls?: number;
  logger: Logger;
  now?: () => number;
}

type Requests = ReturnType<typeof createRequestSession>;

const withoutSkipped = (page: PullPage & { skipped: number }, logger: Logger): PullPage => {
  const { skipped, ...rest } = page;
  if (skipped > 0) logger.warn('Skipped pull requests GitHub described in an unexpected shape', { skipped });
  return rest;
};

/**
 * GitHub for the resolver: REST with conditional GETs backed by the ETag cache (a repeat costs a
 * 304, which GitHub does not count against an authenticated rate limit), GraphQL for the open pull
 * requests only when configured and a token exists. `session()` starts one resolution's budget.
 */
export const createGithubGateway = (options: GithubGatewayOptions) => {
  const { owner, repo, logger } = options;
  const useGraphql = options.listing === 'graphql' && options.token !== undefined;
  const repoMissing = () =>
    new GithubRefusedError(
      `The repository ${owner}/${repo} does not exist or is not visible to the resolver.`,
      `GitHub has no visible repository ${owner}/${repo}`,
    );

  const restOpenPulls = async (requests: Requests, cursor?: string): Promise<PullPage> => {
    const params = { owner, repo, state: 'open', sort: 'updated', direction: 'desc', per_page: PAGE_SIZE };
    const result = await requests.get(
      'GET /repos/{owner}/{repo}/pulls',
      { ...params, page: Number(cursor ?? 1) },
      {
        parse: (data, headers) => withoutSkipped(pullPageFromRest(data, headers.link?.toString()), logger),
        cached: PullPageSchema,
      },
    );
    if (result.kind !== 'ok') throw repoMissing();
    return result.body;
  };

  const graphqlOpenPulls = async (requests: Requests, cursor?: string): Promise<PullPage> => {
    // `after` is left out rather than null on the first page; GitHub treats both alike.
    const variables = { owner, name: repo, first: PAGE_SIZE, ...(cursor ? { after: cursor } : {}) };
    const page = pullPageFromGraphql(await requests.graphql(OPEN_PULLS_QUERY, variables));
    if (!page) throw repoMissing();
    return withoutSkipped(page, logger);
  };

  const searchPulls = async (requests: Requests, q: string, perPage: number): Promise<SearchResult> => {
    const projection = { parse: searchFromRest, cached: SearchResultSchema };
    const result = await requests.get('GET /search/issues', { q, per_page: perPage }, projection);
    if (result.kind === 'ok') return result.body;
    return { kind: 'invalid', message: result.kind === 'invalid' ? result.message : 'not found' };
  };

  const session = (): GithubSession => {
    const requests = createRequestSession({
      octokit: options.octokit,
      cache: options.cache,
      token: options.token,
      maxCalls: options.maxCalls ?? MAX_GITHUB_CALLS,
      logger,
      now: options.now ?? Date.now,
    });
    return {
      repository: `${owner}/${repo}`,
      get callsLeft() {
        return requests.callsLeft();
      },
      stats: requests.stats,
      openPulls: async (cursor) => {
        const page = await (useGraphql ? graphqlOpenPulls : restOpenPulls)(requests, cursor);
        if (cursor === undefined) await rememberOpenBranches(options.cache, page, logger);
        return page;
      },
      searchPulls: (q, perPage) => searchPulls(requests, q, perPage),
      pull: async (number) => {
        const projection = { parse: pullFromRest, cached: PullSummarySchema };
        const result = await requests.get(
          'GET /repos/{owner}/{repo}/pulls/{pull_number}',
          { owner, repo, pull_number: number },
          projection,
        );
        return result.kind === 'ok' ? result.body : undefined;
      },
      branch: async (name) => {
        const projection = { parse: branchFromRest, cached: BranchHeadSchema };
        const result = await requests.get(
          'GET /repos/{owner}/{repo}/branches/{branch}',
          { owner, repo, branch: name },
          projection,
        );
        return result.kind === 'ok' ? result.body : undefined;
      },
    };
  };

  return { session };
};

export type GithubGateway = ReturnType<typeof createGithubGateway>;
