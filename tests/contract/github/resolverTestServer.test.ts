/**
 * The branch-resolver's own GitHub test server (services/branch-resolver/tests/helpers/githubServer.ts)
 * and the requests the resolver sends it, against GitHub's descriptions: the same checks as the local
 * stand-in's (localStandIn.test.ts), so both stand-ins answer as GitHub documents, errors included.
 */

import { OPEN_PULLS_QUERY } from '../../../services/branch-resolver/src/adapters/githubShapes';
import {
  type Fault,
  type GithubServer,
  startGithubServer,
} from '../../../services/branch-resolver/tests/helpers/githubServer';
import {
  basicErrorProblems,
  componentResponseProblems,
  graphqlQueryProblems,
  operationFor,
  rateLimitHeaderProblems,
  responseProblems,
  retryAfterProblems,
  undeclaredQueryParameters,
} from './githubDescription';
import { graphqlAnswerProblems } from './graphqlAnswers';
import { resolveAll } from './resolverSessions';

let server: GithubServer;

beforeAll(async () => {
  server = await startGithubServer();
});

beforeEach(() => server.reset());

afterAll(async () => {
  await server?.stop();
});

const authorized = { authorization: 'Bearer ghp_contract', accept: 'application/vnd.github+json' };
const PULLS = '/repos/acme/shop/pulls';

const get = (path: string, headers: Record<string, string> = authorized) =>
  fetch(`${server.url}${path}`, { headers });

const graphql = (variables: Record<string, unknown>, headers: Record<string, string> = authorized) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ query: OPEN_PULLS_QUERY, variables }),
  });

/** The distinct REST requests the resolver made for every kind of query. */
const restRequestsOfResolver = async () => {
  await resolveAll(server.url, 'rest');
  return [...new Map(server.calls.map((c) => [`${c.method} ${c.path}`, c])).values()];
};

describe('the resolver’s REST requests to its test server, by GitHub’s OpenAPI description', () => {
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

  it('get answers that match the documented response schemas and carry the rate-limit headers', async () => {
    // Prepare
    const requests = await restRequestsOfResolver();

    // Act
    const problems: string[] = [];
    for (const { method, path } of requests) {
      const response = await get(path);
      const operation = operationFor(method, path);
      const body: unknown = await response.json();
      if (operation)
        problems.push(...responseProblems(operation, response.status, body).map((p) => `${path} ${p}`));
      problems.push(...rateLimitHeaderProblems(response.headers).map((p) => `${path} ${p}`));
    }

    // Assess
    expect(problems).toEqual([]);
  });
});

describe('the test server’s REST errors, in GitHub’s documented shapes', () => {
  it.each([
    ['a missing pull request', `${PULLS}/9999`],
    ['a missing branch', '/repos/acme/shop/branches/no-such-branch'],
  ])('answers %s with a 404 its operation documents', async (_what, path) => {
    // Act
    const response = await get(path);

    // Assess
    const operation = operationFor('GET', path);
    expect(response.status).toBe(404);
    expect(operation && responseProblems(operation, 404, await response.json())).toEqual([]);
  });

  it('answers a search without q with the 422 validation error search documents', async () => {
    // Act
    const response = await get('/search/issues?q=');

    // Assess
    const operation = operationFor('GET', '/search/issues');
    expect(response.status).toBe(422);
    expect(operation && responseProblems(operation, 422, await response.json())).toEqual([]);
  });

  it.each<[string, Fault, number, string]>([
    ['a token GitHub does not accept', { kind: 'bad-credentials' }, 401, 'requires_authentication'],
    [
      'a token without the permission',
      { kind: 'forbidden', permission: 'pull_requests=read' },
      403,
      'forbidden',
    ],
  ])('answers %s with %d and the documented error body', async (_what, fault, status, component) => {
    // Prepare
    server.faults.push(fault);

    // Act
    const response = await get(PULLS);

    // Assess
    expect(response.status).toBe(status);
    expect(componentResponseProblems(component, await response.json())).toEqual([]);
    expect(rateLimitHeaderProblems(response.headers)).toEqual([]);
    if (fault.kind === 'forbidden')
      expect(response.headers.get('x-accepted-github-permissions')).toBe(fault.permission);
  });

  it.each([
    403, 429,
  ] as const)('answers a spent primary limit with %d, remaining 0 and a future reset', async (status) => {
    // Prepare
    server.faults.push({ kind: 'rate-limited', status });

    // Act
    const response = await get(PULLS);

    // Assess
    expect(response.status).toBe(status);
    expect(rateLimitHeaderProblems(response.headers, true)).toEqual([]);
    expect(basicErrorProblems(await response.json())).toEqual([]);
  });

  it.each([
    403, 429,
  ] as const)('answers a secondary limit with %d, GitHub’s message and retry-after', async (status) => {
    // Prepare
    server.faults.push({ kind: 'secondary-rate-limited', status, retryAfter: 30 });

    // Act
    const response = await get(PULLS);
    const body = (await response.json()) as { message: string };

    // Assess
    expect(response.status).toBe(status);
    expect(retryAfterProblems(response.headers)).toEqual([]);
    expect(body.message).toMatch(/\bsecondary rate limit\b/);
    expect(basicErrorProblems(body)).toEqual([]);
  });
});

describe('the test server’s GraphQL answers, by GitHub’s GraphQL schema', () => {
  it('answers the resolver’s query, valid against GitHub’s schema, as the schema could have', async () => {
    // Act
    const response = await graphql({ owner: 'acme', name: 'shop', first: 100 });

    // Assess
    expect(graphqlQueryProblems(OPEN_PULLS_QUERY)).toEqual([]);
    expect(response.status).toBe(200);
    expect(graphqlAnswerProblems(OPEN_PULLS_QUERY, await response.json())).toEqual([]);
    expect(rateLimitHeaderProblems(response.headers)).toEqual([]);
  });

  it('answers a repository it does not show with HTTP 200, repository null and NOT_FOUND', async () => {
    // Act
    const response = await graphql({ owner: 'acme', name: 'nope', first: 1 });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', path: ['repository'] }],
    });
  });

  it('answers a spent limit with HTTP 200, a RATE_LIMITED error and remaining 0', async () => {
    // Prepare
    server.faults.push({ kind: 'rate-limited' });

    // Act
    const response = await graphql({ owner: 'acme', name: 'shop', first: 1 });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ errors: [{ type: 'RATE_LIMITED' }] });
    expect(rateLimitHeaderProblems(response.headers, true)).toEqual([]);
  });

  it('refuses an anonymous caller with 401 and a basic-error body', async () => {
    // Act
    const response = await graphql({ owner: 'acme', name: 'shop', first: 1 }, { accept: 'application/json' });

    // Assess
    expect(response.status).toBe(401);
    expect(basicErrorProblems(await response.json())).toEqual([]);
  });

  it('sees the resolver list pull requests through GraphQL with only documented requests', async () => {
    // Act
    await resolveAll(server.url, 'graphql');

    // Assess
    const graphqlCalls = server.calls.filter((c) => c.path === '/graphql');
    expect(graphqlCalls.length).toBeGreaterThan(0);
    expect(graphqlCalls.every((c) => c.method === 'POST' && c.status === 200 && c.authorized)).toBe(true);
    const rest = server.calls.filter((c) => c.path !== '/graphql');
    expect(rest.filter((c) => !operationFor(c.method, c.path))).toEqual([]);
  });
});
