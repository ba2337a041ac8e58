import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeployQuery } from '@branch-envs/shared/deployQuery';
import { motoConfig } from '../../../../tests/helpers/aws';
import { createDynamoEtagCache } from '../../src/adapters/etagCache';
import { createGithubClient } from '../../src/adapters/githubClient';
import { createGithubGateway } from '../../src/adapters/githubGateway';
import { cacheKeyOf } from '../../src/adapters/githubRequests';
import { type ResolutionRules, resolveBranch } from '../../src/domain/resolveBranch';
import { GithubRateLimitedError, GithubRefusedError, GithubUnavailableError } from '../../src/errors';
import { quietLogger, typedQuery } from '../helpers/factories';
import { PULLS, type PullSpec } from '../helpers/githubFixtures';
import { type GithubServer, startGithubServer } from '../helpers/githubServer';
import { createCacheTable } from '../helpers/resolverTables';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo);
const RULES: ResolutionRules = { allowClosedPulls: false, allowBranchWithoutPull: true };

let server: GithubServer;
let cacheTable: string;

interface GatewayOptions {
  github?: GithubServer;
  token?: string;
  listing?: 'rest' | 'graphql';
  /** The repository the gateway is configured for; the server holds acme/shop. */
  repo?: string;
  timeoutMs?: number;
  retries?: number;
  table?: string;
}

const gateway = (options: GatewayOptions = {}) => {
  const logger = quietLogger();
  const token = 'token' in options ? options.token : 'ghp_test';
  return createGithubGateway({
    octokit: createGithubClient({
      baseUrl: (options.github ?? server).url,
      ...(token ? { token } : {}),
      timeoutMs: options.timeoutMs ?? 2000,
      retries: options.retries ?? 1,
      retryBaseMs: 10,
      logger,
    }),
    owner: 'acme',
    repo: options.repo ?? 'shop',
    cache: createDynamoEtagCache({
      client: documents,
      tableName: options.table ?? cacheTable,
      ttlSeconds: 3600,
    }),
    ...(token ? { token } : {}),
    listing: options.listing ?? 'rest',
    logger,
  });
};

/** One resolution through the real adapter: its outcome, its call stats and what the server saw. */
const resolveOnce = async (query: string | DeployQuery, options: GatewayOptions = {}) => {
  const github = options.github ?? server;
  const before = github.calls.length;
  const session = gateway(options).session();
  const resolution = await resolveBranch(
    typeof query === 'string' ? typedQuery(query) : query,
    session,
    RULES,
  );
  return { resolution, stats: session.stats(), seen: github.calls.slice(before) };
};

describe('the GitHub gateway against a GitHub-shaped server', () => {
  beforeAll(async () => {
    server = await startGithubServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(async () => {
    server.reset();
    cacheTable = await createCacheTable(dynamo);
  });

  it('answers a repeated resolution with one 304 that spends no rate limit', async () => {
    // Act
    const cold = await resolveOnce('ABC-123');
    const cached = await resolveOnce('ABC-123');

    // Assess
    expect(cold.seen.map((c) => c.status)).toEqual([200]);
    expect(cached.seen.map((c) => c.status)).toEqual([304]);
    expect(cached.seen[0]).toMatchObject({ conditional: true, authorized: true });
    expect(cached.stats).toMatchObject({ calls: 1, notModified: 1 });
    expect(cached.resolution).toEqual(cold.resolution);
    expect(server.used.core).toBe(1);
  });

  it('keeps the ETag and a compact body in the cache table, keyed by credential and URL', async () => {
    // Act
    await resolveOnce('#42');

    // Assess
    const key = cacheKeyOf('ghp_test', `${server.url}/repos/acme/shop/pulls/42`);
    const item = (await documents.send(new GetCommand({ TableName: cacheTable, Key: { url: key } }))).Item;
    expect(key).not.toContain('ghp_test');
    expect(item?.etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    expect(JSON.parse(String(item?.body))).toEqual({
      number: 42,
      branch: 'feature/ABC-123-login-page',
      headSha: expect.stringMatching(/^[0-9a-f]{40}$/),
      title: 'ABC-123: New login page',
      url: 'https://github.com/acme/shop/pull/42',
      author: 'alice',
      updatedAt: '2026-11-25T14:00:00Z',
      state: 'open',
      draft: false,
      fromFork: false,
    });
    expect(item?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it.each([
    ['#42', ['GET /repos/acme/shop/pulls/42']],
    ['raw:author:judy', ['GET /search/issues', 'GET /repos/acme/shop/pulls/51']],
    ['raw:author:alice', ['GET /search/issues', 'GET /repos/acme/shop/pulls']],
    [
      'experiment/no-pr-spike',
      ['GET /repos/acme/shop/pulls', 'GET /repos/acme/shop/branches/experiment%2Fno-pr-spike'],
    ],
  ])('makes at most two calls for %s, and only 304s the second time', async (query, endpoints) => {
    // Act
    const cold = await resolveOnce(query);
    const cached = await resolveOnce(query);

    // Assess
    expect(cold.seen.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual(endpoints);
    expect(cold.seen.every((c) => c.status === 200)).toBe(true);
    expect(cached.seen.map((c) => c.status)).toEqual(endpoints.map(() => 304));
    expect(cached.resolution).toEqual(cold.resolution);
  });

  it('URL-encodes a branch name with a slash and unicode', async () => {
    // Act
    // Typed queries are ASCII (ADR 0007); the gateway still encodes any branch name it is given.
    const { resolution, seen } = await resolveOnce({ fragment: 'spike/ünïcode-branch' });

    // Assess
    expect(resolution).toMatchObject({
      kind: 'found',
      match: { branch: 'spike/ünïcode-branch', pull: null },
    });
    expect(seen[1]?.path).toBe('/repos/acme/shop/branches/spike%2F%C3%BCn%C3%AFcode-branch');
  });

  it('follows the Link header to a second page, and caches both pages', async () => {
    // Prepare: 129 open pull requests, the synthetic ones older than the fixture's, one a minute
    const synthetic: PullSpec[] = Array.from({ length: 100 }, (_, i) => ({
      number: 1000 + i,
      head: `synthetic/branch-${String(i).padStart(3, '0')}`,
      title: `Synthetic ${i}`,
      author: 'bot',
      updatedAt: new Date(Date.parse('2026-10-01T00:00:00Z') + i * 60_000).toISOString().replace('.000', ''),
    }));
    const big = await startGithubServer({ pulls: [...PULLS, ...synthetic] });
    const oldest = 'synthetic/branch-000';

    try {
      // Act
      const cold = await resolveOnce(oldest, { github: big });
      const cached = await resolveOnce(oldest, { github: big });

      // Assess
      expect(cold.resolution).toMatchObject({ kind: 'found', match: { branch: oldest } });
      expect(cold.seen.map((c) => new URL(c.path, big.url).searchParams.get('page'))).toEqual(['1', '2']);
      expect(cached.seen.map((c) => c.status)).toEqual([304, 304]);
    } finally {
      await big.stop();
    }
  });

  it('works without a token: no Authorization header, and a 304 that GitHub still counts', async () => {
    // Act
    const cold = await resolveOnce('ABC-123', { token: undefined });
    const cached = await resolveOnce('ABC-123', { token: undefined });

    // Assess
    expect(cold.resolution.kind).toBe('found');
    expect([...cold.seen, ...cached.seen].map((c) => c.authorized)).toEqual([false, false]);
    expect(cached.seen.map((c) => c.status)).toEqual([304]);
    expect(server.used.core).toBe(2);
  });

  it('does not send one credential’s ETag with another', async () => {
    // Act
    await resolveOnce('ABC-123', { token: 'ghp_one' });
    const other = await resolveOnce('ABC-123', { token: 'ghp_two' });

    // Assess
    expect(other.seen).toEqual([expect.objectContaining({ conditional: false, status: 200 })]);
  });

  it('lists open pull requests through GraphQL when configured and a token exists', async () => {
    // Act
    const withToken = await resolveOnce('ABC-123', { listing: 'graphql' });
    const anonymous = await resolveOnce('ABC-123', { listing: 'graphql', token: undefined });

    // Assess
    expect(withToken.seen.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /graphql']);
    expect(withToken.resolution).toEqual(anonymous.resolution);
    expect(anonymous.seen.map((c) => c.method)).toEqual(['GET']);
  });

  it('reports an exhausted rate limit with its reset time, without waiting or retrying', async () => {
    // Prepare
    server.limits.core = 0;

    // Act
    const started = Date.now();
    const error = await resolveOnce('ABC-123').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error).toMatchObject({ retryAfter: server.resetAt, retryable: false });
    expect(server.calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('graphqlNotFoundIsNotAnOutage: a repository GraphQL does not show is answered as not visible, once', async () => {
    // Act
    const error = await resolveOnce('ABC-123', { listing: 'graphql', repo: 'no-such-repo' }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(GithubRefusedError);
    expect(error).toMatchObject({
      retryable: false,
      userMessage: 'The repository acme/no-such-repo does not exist or is not visible to the resolver.',
    });
    expect(server.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST /graphql 200']);
  });

  it('answers a GraphQL RATE_LIMITED (HTTP 200) with its reset time, after one call', async () => {
    // Prepare
    server.faults.push({ kind: 'rate-limited' });

    // Act
    const error = await resolveOnce('ABC-123', { listing: 'graphql', retries: 3 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error).toMatchObject({ retryAfter: server.resetAt, retryable: false });
    expect(server.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST /graphql 200']);
  });

  it('tooManyRequestsIsNotResent: a 429 with no requests left waits for x-ratelimit-reset', async () => {
    // Prepare
    server.faults.push({ kind: 'rate-limited', status: 429 });

    // Act
    const error = await resolveOnce('ABC-123', { retries: 3 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error).toMatchObject({ retryAfter: server.resetAt, retryable: false });
    expect(server.calls.map((c) => c.status)).toEqual([429]);
  });

  it.each([
    403, 429,
  ] as const)('tooManyRequestsIsNotResent: a secondary limit (%d) with retry-after 60 is answered with that wait', async (status) => {
    // Prepare
    server.faults.push({ kind: 'secondary-rate-limited', status, retryAfter: 60 });
    const before = Math.floor(Date.now() / 1000);

    // Act
    const error = await resolveOnce('ABC-123', { retries: 3 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    const retryAfter = (error as GithubRateLimitedError).retryAfter;
    expect(retryAfter).toBeGreaterThanOrEqual(before + 60);
    expect(retryAfter).toBeLessThanOrEqual(before + 62);
    expect(server.calls.map((c) => c.status)).toEqual([status]);
  });

  it('tooManyRequestsIsNotResent: a bare 429 waits at least a minute, as GitHub asks', async () => {
    // Prepare
    server.faults.push({ kind: 'secondary-rate-limited', status: 429 });
    const before = Math.floor(Date.now() / 1000);

    // Act
    const error = await resolveOnce('ABC-123', { retries: 3 }).catch((e: unknown) => e);

    // Assess
    expect((error as GithubRateLimitedError).retryAfter).toBeGreaterThanOrEqual(before + 60);
    expect(server.calls.map((c) => c.status)).toEqual([429]);
  });

  it('tooManyRequestsIsNotResent: a secondary limit of one second is waited out once, after its retry-after', async () => {
    // Prepare
    server.faults.push({ kind: 'secondary-rate-limited', status: 429, retryAfter: 1 });

    // Act
    const started = Date.now();
    const { resolution } = await resolveOnce('ABC-123');

    // Assess
    expect(resolution.kind).toBe('found');
    expect(server.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('tells the user which permissions a token without Pull requests: read lacks, without retrying', async () => {
    // Prepare
    server.faults.push({ kind: 'forbidden', permission: 'pull_requests=read' });

    // Act
    const error = await resolveOnce('ABC-123').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubRefusedError);
    expect(error).toMatchObject({
      retryable: false,
      userMessage:
        "GitHub refused the resolver's token access to the repository: it needs Pull requests: read and " +
        'Contents: read there (this call accepts pull_requests=read).',
    });
    expect(server.calls).toHaveLength(1);
  });

  it('tells the user the repository is not visible when the token cannot see it (GitHub 404)', async () => {
    // Act
    const error = await resolveOnce('ABC-123', { repo: 'hidden' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubRefusedError);
    expect(error).toMatchObject({
      retryable: false,
      userMessage: 'The repository acme/hidden does not exist or is not visible to the resolver.',
    });
  });

  it('retries a 5xx once in process, then leaves it to SQS', async () => {
    // Prepare
    server.faults.push({ kind: '500' }, { kind: '500' });

    // Act
    const error = await resolveOnce('ABC-123').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubUnavailableError);
    expect(error).toMatchObject({ retryable: true });
    expect(server.calls.map((c) => c.status)).toEqual([500, 500]);
  });

  it('recovers from a single 5xx within the same call', async () => {
    // Prepare
    server.faults.push({ kind: '500' });

    // Act
    const { resolution, stats } = await resolveOnce('ABC-123');

    // Assess
    expect(resolution.kind).toBe('found');
    expect(stats.calls).toBe(1);
    expect(server.calls.map((c) => c.status)).toEqual([500, 200]);
  });

  it('gives up on a GitHub that does not answer within the timeout', async () => {
    // Prepare
    server.faults.push({ kind: 'timeout', delayMs: 5000 });

    // Act
    const started = Date.now();
    const error = await resolveOnce('ABC-123', { timeoutMs: 300, retries: 0 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GithubUnavailableError);
    expect(error).toMatchObject({ userMessage: 'GitHub is not answering right now (no answer in time).' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('still resolves when the cache table is unavailable', async () => {
    // Act
    const { resolution, seen } = await resolveOnce('ABC-123', { table: 'no-such-table' });

    // Assess
    expect(resolution.kind).toBe('found');
    expect(seen).toEqual([expect.objectContaining({ conditional: false, status: 200 })]);
  });
});
