/**
 * The resolver's real GitHub adapter pointed at a stand-in: what it asks, and what it concludes.
 * Used by the contract tests to check both sides against GitHub's descriptions.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { CachedResponse, EtagCache } from '../../../services/branch-resolver/src/adapters/etagCache';
import { createGithubClient } from '../../../services/branch-resolver/src/adapters/githubClient';
import { createGithubGateway } from '../../../services/branch-resolver/src/adapters/githubGateway';
import {
  type BranchResolution,
  resolveBranch,
} from '../../../services/branch-resolver/src/domain/resolveBranch';
import { parseDeployQuery } from '../../../shared/src/deployQuery';

/** Every kind of resolution: ticket, ambiguous fragment, PR number, raw search, no PR, a fork's PR, nothing. */
export const QUERIES = [
  'ABC-123',
  'login',
  '#42',
  'raw:author:alice',
  'experiment/no-pr-spike',
  'ABC-135',
  'nothing-matches-this',
] as const;

const memoryCache = (): EtagCache => {
  const entries = new Map<string, CachedResponse>();
  return {
    get: async (key) => entries.get(key),
    put: async (key, entry) => {
      entries.set(key, entry);
    },
  };
};

const resolution = async (baseUrl: string, listing: 'rest' | 'graphql', text: string) => {
  const logger = new Logger({ serviceName: 'github-contract', logLevel: 'SILENT' });
  const gateway = createGithubGateway({
    octokit: createGithubClient({ baseUrl, token: 'ghp_contract', timeoutMs: 2000, retries: 0, logger }),
    owner: 'acme',
    repo: 'shop',
    cache: memoryCache(),
    token: 'ghp_contract',
    listing,
    logger,
  });
  const parsed = parseDeployQuery(text);
  if (!parsed.ok) throw new Error(`${text} is not a query`);
  return resolveBranch(parsed.query, gateway.session(), {
    allowClosedPulls: false,
    allowBranchWithoutPull: true,
  });
};

/** Each query resolved once through the resolver's adapter with the given listing. */
export const resolveAll = async (
  baseUrl: string,
  listing: 'rest' | 'graphql',
): Promise<Record<string, BranchResolution>> => {
  const results: Record<string, BranchResolution> = {};
  for (const text of QUERIES) results[text] = await resolution(baseUrl, listing, text);
  return results;
};
