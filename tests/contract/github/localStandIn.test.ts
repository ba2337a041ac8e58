/**
 * The local GitHub stand-in and the resolver's requests, against GitHub's own descriptions: every
 * request the resolver sends is a documented operation with documented query parameters, and every
 * answer the stand-in gives matches the documented response schema of that operation and status.
 */

import { SUPPORTED_GRAPHQL_QUERY } from '../../../local/src/standins/githubQueries';
import { type GithubStandIn, startGithubStandIn } from '../../../local/src/standins/githubStandIn';
import { OPEN_PULLS_QUERY } from '../../../services/branch-resolver/src/adapters/githubShapes';
import {
  basicErrorProblems,
  graphqlQueryProblems,
  operationFor,
  responseProblems,
  undeclaredQueryParameters,
} from './githubDescription';
import { graphqlAnswerProblems } from './graphqlAnswers';
import { QUERIES, resolveAll } from './resolverSessions';

let github: GithubStandIn;

beforeAll(async () => {
  github = await startGithubStandIn();
});

beforeEach(() => github.reset());

afterAll(async () => {
  await github?.stop();
});

const authorized = { authorization: 'Bearer ghp_contract', accept: 'application/vnd.github+json' };

/** The distinct REST requests the resolver made for every query, from the stand-in's call log. */
const restRequestsOfResolver = async (): Promise<{ method: string; path: string; status: number }[]> => {
  await resolveAll(github.url, 'rest');
  const seen = new Map(github.calls().log.map((c) => [`${c.method} ${c.path}`, c]));
  return [...seen.values()];
};

describe('the resolver’s REST requests, by GitHub’s OpenAPI description', () => {
  it('are documented operations with documented query parameters and statuses', async () => {
    // Act
    const requests = await restRequestsOfResolver();

    // Assess
    expect(requests.length).toBeGreaterThanOrEqual(5);
    const problems = requests.flatMap(({ method, path, status }) => {
      const operation = operationFor(method, path);
      if (!operation) return [`${method} ${path}: not in GitHub's description`];
      const undeclared = undeclaredQueryParameters(operation, path).map((p) => `${path}: ${p} undeclared`);
      const undocumented = operation.responses[String(status)] ? [] : [`${path}: status ${status}`];
      return [...undeclared, ...undocumented];
    });
    expect(problems).toEqual([]);
  });

  it('get answers from the stand-in that match the documented response schemas', async () => {
    // Prepare
    const requests = await restRequestsOfResolver();

    // Act
    const problems: string[] = [];
    for (const { method, path } of requests) {
      const response = await fetch(`${github.url}${path}`, { method, headers: authorized });
      const operation = operationFor(method, path);
      const body: unknown = await response.json();
      if (operation)
        problems.push(...responseProblems(operation, response.status, body).map((p) => `${path} ${p}`));
    }

    // Assess
    expect(problems).toEqual([]);
  });
});

describe('the stand-in’s errors, in GitHub’s documented shapes', () => {
  it.each([
    ['a missing pull request', '/repos/acme/shop/pulls/9999'],
    ['a missing branch', '/repos/acme/shop/branches/no-such-branch'],
    ['another repository', '/repos/acme/other/pulls'],
  ])('answers %s with 404 and a basic-error body', async (_what, path) => {
    // Act
    const response = await fetch(`${github.url}${path}`, { headers: authorized });

    // Assess
    expect(response.status).toBe(404);
    expect(basicErrorProblems(await response.json())).toEqual([]);
  });

  it.each([
    ['rate-limited', 403],
    ['429', 429],
  ] as const)('answers a primary rate limit (%s) with %d, x-ratelimit-remaining 0 and a reset', async (kind, status) => {
    // Prepare
    github.injectFaults(1, kind);

    // Act
    const response = await fetch(`${github.url}/repos/acme/shop/pulls`, { headers: authorized });

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(basicErrorProblems(await response.json())).toEqual([]);
  });

  it('answers a secondary limit with 429, retry-after and GitHub’s message', async () => {
    // Prepare
    github.injectFaults(1, 'secondary-rate-limited');

    // Act
    const response = await fetch(`${github.url}/repos/acme/shop/pulls`, { headers: authorized });
    const body = (await response.json()) as { message: string };

    // Assess
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(body.message).toMatch(/\bsecondary rate limit\b/);
    expect(basicErrorProblems(body)).toEqual([]);
  });
});

describe('the GraphQL query, by GitHub’s GraphQL schema', () => {
  it('is valid against GitHub’s schema, and the stand-in answers exactly that query', () => {
    // Assess
    expect(graphqlQueryProblems(OPEN_PULLS_QUERY)).toEqual([]);
    expect(SUPPORTED_GRAPHQL_QUERY).toBe(OPEN_PULLS_QUERY);
  });

  it('gets an answer from the stand-in that GitHub’s schema could have produced', async () => {
    // Act
    const response = await fetch(`${github.url}/graphql`, {
      method: 'POST',
      headers: { ...authorized, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: OPEN_PULLS_QUERY,
        variables: { owner: 'acme', name: 'shop', first: 100 },
      }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(graphqlAnswerProblems(OPEN_PULLS_QUERY, await response.json())).toEqual([]);
  });

  it('would catch a stand-in that omits a non-null field or answers one never asked for', () => {
    // Prepare: the pre-fix stand-in's node (no isCrossRepository) and one with an extra totalCount
    const node = {
      number: 1,
      title: 't',
      url: 'https://github.com/acme/shop/pull/1',
      headRefName: 'b',
      headRefOid: 'a'.repeat(40),
      updatedAt: '2026-11-20T00:00:00Z',
      isDraft: false,
      author: { login: 'alice' },
    };
    const answer = (extra: Record<string, unknown>, nodes: unknown[]) => ({
      data: {
        repository: { pullRequests: { ...extra, pageInfo: { hasNextPage: false, endCursor: null }, nodes } },
      },
    });

    // Act
    const missing = graphqlAnswerProblems(OPEN_PULLS_QUERY, answer({}, [node]));
    const unasked = graphqlAnswerProblems(
      OPEN_PULLS_QUERY,
      answer({ totalCount: 1 }, [{ ...node, isCrossRepository: false }]),
    );

    // Assess
    expect(missing).toEqual([
      'repository.pullRequests.nodes.0.isCrossRepository: Cannot return null for non-nullable field PullRequest.isCrossRepository.',
    ]);
    expect(unasked).toEqual(['data.repository.pullRequests.totalCount: not asked for']);
  });

  it('answers another repository with HTTP 200, repository null and a NOT_FOUND error', async () => {
    // Act
    const response = await fetch(`${github.url}/graphql`, {
      method: 'POST',
      headers: { ...authorized, 'content-type': 'application/json' },
      body: JSON.stringify({ query: OPEN_PULLS_QUERY, variables: { owner: 'acme', name: 'nope', first: 1 } }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', path: ['repository'] }],
    });
  });
});

describe('REST and GraphQL listings on the stand-in', () => {
  it('standInGraphqlOmittedIsCrossRepository: a fork’s pull request is refused alike in both modes', async () => {
    // Act
    const rest = await resolveAll(github.url, 'rest');
    const graphql = await resolveAll(github.url, 'graphql');

    // Assess
    expect(Object.keys(graphql)).toEqual([...QUERIES]);
    expect(graphql).toEqual(rest);
    expect(JSON.stringify(graphql['ABC-135'])).not.toContain('patch-1"');
  });
});
