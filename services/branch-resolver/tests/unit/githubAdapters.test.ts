import { GraphqlResponseError } from '@octokit/graphql';
import { RequestError } from '@octokit/request-error';
import { dataDespiteNotFound, toUpstreamError } from '../../src/adapters/githubErrors';
import { nextPageOf, pullFromRest, pullPageFromRest } from '../../src/adapters/githubShapes';
import { GithubRateLimitedError, GithubRefusedError, GithubUnavailableError } from '../../src/errors';
import { fixturePull, restPull } from '../helpers/githubFixtures';

const NOW = Date.parse('2026-11-26T09:00:00Z');

const requestError = (status: number, headers: Record<string, string> = {}, message = 'x') =>
  new RequestError(message, status, {
    request: { method: 'GET', url: 'https://api.github.com/repos/acme/shop/pulls', headers: {} },
    response: { status, url: 'https://api.github.com/repos/acme/shop/pulls', headers, data: { message } },
  });

describe('toUpstreamError', () => {
  it('reads the reset time of an exhausted primary rate limit', () => {
    // Act
    const error = toUpstreamError(
      requestError(403, {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1764150000',
        'x-ratelimit-resource': 'core',
      }),
      () => NOW,
    );

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error.retryAfter).toBe(1_764_150_000);
    expect(error.retryable).toBe(false);
  });

  it('reads retry-after of a secondary rate limit', () => {
    // Act
    const error = toUpstreamError(requestError(429, { 'retry-after': '30' }), () => NOW);

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error.retryAfter).toBe(NOW / 1000 + 30);
  });

  it('reads a GraphQL RATE_LIMITED error', () => {
    // Prepare: the shape plugin-throttling throws for GraphQL
    const graphql = Object.assign(new Error('GraphQL Rate Limit Exceeded'), {
      response: { headers: { 'x-ratelimit-reset': '1764150000' } },
      data: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] },
    });

    // Act
    const error = toUpstreamError(graphql, () => NOW);

    // Assess
    expect(error).toBeInstanceOf(GithubRateLimitedError);
    expect(error.retryAfter).toBe(1_764_150_000);
  });

  it.each([500, 502, 503])('retries HTTP %i', (status) => {
    // Act
    const error = toUpstreamError(requestError(status));

    // Assess
    expect(error).toBeInstanceOf(GithubUnavailableError);
    expect(error.retryable).toBe(true);
  });

  it('retries a timeout', () => {
    // Prepare: what @octokit/request makes of an aborted fetch
    const timeout = requestError(500);
    timeout.cause = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

    // Act
    const error = toUpstreamError(timeout);

    // Assess
    expect(error).toBeInstanceOf(GithubUnavailableError);
    expect(error.userMessage).toBe('GitHub is not answering right now (no answer in time).');
  });

  it('does not retry a refused token or a forbidden repository', () => {
    // Act
    const unauthorized = toUpstreamError(requestError(401));
    const forbidden = toUpstreamError(
      requestError(403, { 'x-ratelimit-remaining': '4000' }, 'Resource not accessible'),
    );

    // Assess
    expect(unauthorized).toBeInstanceOf(GithubRefusedError);
    expect(unauthorized.userMessage).toBe("GitHub refused the resolver's token.");
    expect(forbidden).toBeInstanceOf(GithubRefusedError);
    expect(forbidden.retryable).toBe(false);
  });
});

/** What @octokit/graphql throws for an HTTP 200 whose body carries `errors`. */
const graphqlResponseError = (data: unknown, errors: { type?: string; message: string }[]) =>
  new GraphqlResponseError(
    { method: 'POST', url: '/graphql', query: 'query { viewer { login } }' },
    { 'x-ratelimit-remaining': '4999' },
    { data, errors } as ConstructorParameters<typeof GraphqlResponseError>[2],
  );

describe('GraphQL errors in an HTTP 200', () => {
  const NOT_FOUND = {
    type: 'NOT_FOUND',
    message: "Could not resolve to a Repository with the name 'acme/nope'.",
  };

  it('graphqlNotFoundIsNotAnOutage: keeps the partial data of a NOT_FOUND as the answer', () => {
    // Act
    const data = dataDespiteNotFound(graphqlResponseError({ repository: null }, [NOT_FOUND]));

    // Assess
    expect(data).toEqual({ repository: null });
  });

  it('does not treat other GraphQL errors, or REST errors, as an answer', () => {
    // Act
    const mixed = dataDespiteNotFound(
      graphqlResponseError({ repository: null }, [NOT_FOUND, { type: 'FORBIDDEN', message: 'no' }]),
    );
    const rest = dataDespiteNotFound(requestError(404));

    // Assess
    expect(mixed).toBeUndefined();
    expect(rest).toBeUndefined();
  });

  it('answers FORBIDDEN at once instead of retrying it as an outage', () => {
    // Act
    const error = toUpstreamError(
      graphqlResponseError({ repository: null }, [
        { type: 'FORBIDDEN', message: 'Resource not accessible by personal access token' },
      ]),
    );

    // Assess
    expect(error).toBeInstanceOf(GithubRefusedError);
    expect(error).toMatchObject({
      retryable: false,
      userMessage: "GitHub refused the resolver's query (FORBIDDEN).",
    });
  });
});

describe('a GitHub token without a permission the resolver needs', () => {
  it('is told which permissions, from GitHub 403 "Resource not accessible by personal access token"', () => {
    // Prepare: GitHub's answer to a fine-grained token without Pull requests: read
    const refused = requestError(
      403,
      { 'x-ratelimit-remaining': '4990', 'x-accepted-github-permissions': 'pull_requests=read' },
      'Resource not accessible by personal access token',
    );

    // Act
    const error = toUpstreamError(refused, () => NOW);

    // Assess
    expect(error).toBeInstanceOf(GithubRefusedError);
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toBe(
      "GitHub refused the resolver's token access to the repository: it needs Pull requests: read and " +
        'Contents: read there (this call accepts pull_requests=read).',
    );
    expect(error.message).toContain('Resource not accessible by personal access token');
  });

  it('is told the same for a GitHub App installation ("Resource not accessible by integration")', () => {
    // Act
    const error = toUpstreamError(
      requestError(403, { 'x-ratelimit-remaining': '4990' }, 'Resource not accessible by integration'),
    );

    // Assess
    expect(error.userMessage).toMatch(/^GitHub refused the resolver's token access to the repository/);
  });
});

describe('GitHub response shapes', () => {
  it('projects a REST pull request', () => {
    // Act
    const pull = pullFromRest(restPull(fixturePull(42)));

    // Assess
    expect(pull).toEqual({
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
  });

  it('marks a pull request from a fork, or from a deleted fork', () => {
    // Prepare
    const fork = restPull({
      number: 1,
      head: 'main',
      title: 't',
      author: 'x',
      updatedAt: '2026-11-01T00:00:00Z',
      fork: 'x/shop',
    });
    const deleted = { ...fork, head: { ...fork.head, repo: null } };

    // Act + Assess
    expect(pullFromRest(fork).fromFork).toBe(true);
    expect(pullFromRest(deleted).fromFork).toBe(true);
  });

  it('skips a list item it cannot read instead of failing the page', () => {
    // Prepare
    const good = restPull(fixturePull(43));
    const odd = { ...good, number: 7, head: { ...good.head, sha: 'not-a-sha' } };

    // Act
    const page = pullPageFromRest([good, odd], undefined);

    // Assess
    expect(page.pulls.map((p) => p.number)).toEqual([good.number]);
    expect(page.skipped).toBe(1);
  });

  it('finds the next page in a Link header', () => {
    // Prepare
    const link =
      '<https://api.github.com/repositories/1/pulls?state=open&per_page=100&page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1/pulls?state=open&per_page=100&page=5>; rel="last"';

    // Act + Assess
    expect(nextPageOf(link)).toBe('3');
    expect(nextPageOf('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextPageOf(undefined)).toBeUndefined();
  });
});
