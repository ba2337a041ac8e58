/**
 * GitHub calls per resolution (docs/architecture.md §10: at most 2, and a repeat costs no rate limit), cold and
 * cached, measured against a GitHub-shaped local server with the 33-pull-request fixture repository.
 * Each query is resolved twice through the real gateway (Octokit with throttling, retry and ETags):
 * first with an empty cache, then again with what the first run cached.
 *
 *   npx tsx bench/resolver/calls.ts
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { CachedResponse, EtagCache } from '../../services/branch-resolver/src/adapters/etagCache';
import { createGithubClient } from '../../services/branch-resolver/src/adapters/githubClient';
import { createGithubGateway } from '../../services/branch-resolver/src/adapters/githubGateway';
import { resolveBranch } from '../../services/branch-resolver/src/domain/resolveBranch';
import {
  type GithubServer,
  startGithubServer,
} from '../../services/branch-resolver/tests/helpers/githubServer';
import { parseDeployQuery } from '../../shared/src/deployQuery';

const QUERIES = [
  'ABC-123',
  'login',
  'checkout',
  'cart',
  '#42',
  '#30',
  'raw:author:judy',
  'raw:author:alice',
  'experiment/no-pr-spike',
  'nonexistent',
];

interface Mode {
  name: string;
  token?: string;
  listing: 'rest' | 'graphql';
}

const MODES: Mode[] = [
  { name: 'REST, token', token: 'ghp_bench', listing: 'rest' },
  { name: 'REST, anonymous', listing: 'rest' },
  { name: 'GraphQL listing, token', token: 'ghp_bench', listing: 'graphql' },
];

const memoryCache = (): EtagCache => {
  const entries = new Map<string, CachedResponse>();
  return {
    get: async (key) => entries.get(key),
    put: async (key, entry) => {
      entries.set(key, structuredClone(entry));
    },
  };
};

interface Run {
  outcome: string;
  calls: number;
  notModified: number;
  rateLimitCost: number;
}

const runOnce = async (server: GithubServer, mode: Mode, cache: EtagCache, query: string): Promise<Run> => {
  const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
  const octokit = createGithubClient({
    baseUrl: server.url,
    token: mode.token,
    timeoutMs: 4000,
    retries: 1,
    logger,
  });
  const gateway = createGithubGateway({
    octokit,
    owner: 'acme',
    repo: 'shop',
    cache,
    token: mode.token,
    listing: mode.listing,
    logger,
  });
  const before = server.used.core + server.used.search + server.used.graphql;
  const requests = server.calls.length;
  const session = gateway.session();
  const parsed = parseDeployQuery(query);
  if (!parsed.ok) throw new Error(`${query} is not a query (${parsed.problem.code})`);
  const resolution = await resolveBranch(parsed.query, session, {
    allowClosedPulls: false,
    allowBranchWithoutPull: true,
  });
  const seen = server.calls.slice(requests);
  return {
    outcome: resolution.kind === 'found' ? `found ${resolution.match.branch}` : resolution.kind,
    calls: seen.length,
    notModified: seen.filter((c) => c.status === 304).length,
    rateLimitCost: server.used.core + server.used.search + server.used.graphql - before,
  };
};

const pad = (text: string, width: number): string => text.padEnd(width).slice(0, width);

const main = async (): Promise<void> => {
  const server = await startGithubServer();
  const rows: string[][] = [];
  let worst = 0;
  try {
    for (const mode of MODES) {
      for (const query of QUERIES) {
        server.reset();
        const cache = memoryCache();
        const cold = await runOnce(server, mode, cache, query);
        const cached = await runOnce(server, mode, cache, query);
        worst = Math.max(worst, cold.calls, cached.calls);
        rows.push([
          mode.name,
          query,
          cold.outcome,
          `${cold.calls} (${cold.rateLimitCost} counted)`,
          `${cached.calls}: ${cached.notModified}×304 (${cached.rateLimitCost} counted)`,
        ]);
      }
    }
  } finally {
    await server.stop();
  }
  const header = ['mode', 'query', 'outcome', 'cold calls', 'cached calls'];
  const widths = [24, 24, 40, 18, 28];
  console.log(header.map((h, i) => pad(h, widths[i] ?? 10)).join(' | '));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(row.map((c, i) => pad(c, widths[i] ?? 10)).join(' | '));
  console.log(`\nmost GitHub calls in any resolution: ${worst} (budget 2)`);
  if (worst > 2) process.exitCode = 1;
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
