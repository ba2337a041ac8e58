import { SUPPORTED_GRAPHQL_QUERY } from '../../src/standins/githubQueries';
import { type GithubStandIn, startGithubStandIn } from '../../src/standins/githubStandIn';

let github: GithubStandIn;

beforeAll(async () => {
  github = await startGithubStandIn();
});

beforeEach(() => github.reset());

afterAll(async () => {
  await github?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${github.url}${path}`, { headers });
const post = (path: string, body: unknown) =>
  fetch(`${github.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('GitHub stand-in', () => {
  it('lists open pull requests with GitHub’s fields and a Link header when paginated', async () => {
    // Act
    const response = await get('/repos/acme/shop/pulls?state=open&per_page=5&page=1');
    const pulls = (await response.json()) as {
      number: number;
      head: { ref: string; sha: string };
      user: { login: string };
      draft: boolean;
    }[];

    // Assess
    expect(pulls).toHaveLength(5);
    expect(pulls[0]).toMatchObject({
      head: { ref: expect.any(String), sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
      user: { login: expect.any(String) },
    });
    expect(response.headers.get('link')).toContain('page=2>; rel="next"');
  });

  it('answers a repeated GET with 304 for its ETag without spending rate limit', async () => {
    // Prepare
    const first = await get('/repos/acme/shop/pulls/42');
    const etag = first.headers.get('etag') ?? '';

    // Act
    const second = await get('/repos/acme/shop/pulls/42', { 'if-none-match': etag });

    // Assess
    expect(second.status).toBe(304);
    expect(second.headers.get('x-ratelimit-remaining')).toBe(first.headers.get('x-ratelimit-remaining'));
    expect(github.calls()).toMatchObject({
      total: 2,
      notModified: 1,
      byEndpoint: { 'GET /repos/{owner}/{repo}/pulls/{number}': 2 },
    });
  });

  it('serves a branch whose URL-encoded name contains a slash', async () => {
    // Act
    const response = await get(
      `/repos/acme/shop/branches/${encodeURIComponent('feature/ABC-123-login-page')}`,
    );

    // Assess
    expect(await response.json()).toMatchObject({
      name: 'feature/ABC-123-login-page',
      commit: { sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
    });
  });

  it('searches pull requests and answers the documented GraphQL query', async () => {
    // Act
    const search = (await (
      await get('/search/issues?q=repo%3Aacme%2Fshop+is%3Apr+is%3Aopen+login')
    ).json()) as { total_count: number };
    const graphql = (await (
      await post('/graphql', {
        query: SUPPORTED_GRAPHQL_QUERY,
        variables: { owner: 'acme', name: 'shop', first: 100 },
      })
    ).json()) as {
      data: { repository: { pullRequests: { nodes: { number: number; isCrossRepository: boolean }[] } } };
    };

    // Assess
    const nodes = graphql.data.repository.pullRequests.nodes;
    expect(search.total_count).toBe(2);
    expect(nodes.length).toBeGreaterThanOrEqual(12);
    expect(nodes.filter((n) => n.isCrossRepository).map((n) => n.number)).toEqual([57]);
  });

  it('records deployments and their statuses for the notifier', async () => {
    // Act
    const created = (await (
      await post('/repos/acme/shop/deployments', {
        ref: 'demo-ready',
        environment: 'branch-envs/demo-ready',
        transient_environment: true,
      })
    ).json()) as { id: number; sha: string };
    const status = await post(`/repos/acme/shop/deployments/${created.id}/statuses`, {
      state: 'success',
      environment_url: 'http://127.0.0.1/i-1/',
    });
    const statuses = (await (await get(`/repos/acme/shop/deployments/${created.id}/statuses`)).json()) as {
      state: string;
    }[];

    // Assess
    expect(created.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(status.status).toBe(201);
    expect(statuses.map((s) => s.state)).toEqual(['success']);
  });

  it('answers 404 for another repository and 422 for a deployment of an unknown ref', async () => {
    // Act
    const other = await get('/repos/someone/else/pulls');
    const unknown = await post('/repos/acme/shop/deployments', { ref: 'no-such-branch' });

    // Assess
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(422);
  });

  it('deploys a commit only once a push made it known, and keeps the older head deployable', async () => {
    // Prepare
    const sha = 'abc1234'.padEnd(40, 'd');
    const before = await post('/repos/acme/shop/deployments', {
      ref: sha,
      environment: 'preview/demo-ready',
    });
    const oldHead = (
      (await (await get('/repos/acme/shop/branches/fix%2FDEMO-1-health')).json()) as {
        commit?: { sha?: string };
      }
    ).commit?.sha;

    // Act
    const pushed = await post('/_push', { branch: 'fix/DEMO-1-health', sha });
    const after = await post('/repos/acme/shop/deployments', { ref: sha, environment: 'preview/demo-ready' });
    const old = await post('/repos/acme/shop/deployments', {
      ref: oldHead ?? '',
      environment: 'preview/demo-ready',
    });
    const refused = await post('/_push', { branch: 'no-such-branch', sha });

    // Assess
    expect(before.status).toBe(422);
    expect(pushed.status).toBe(200);
    expect(after.status).toBe(201);
    expect(((await after.json()) as { sha: string }).sha).toBe(sha);
    expect(old.status).toBe(201);
    expect(refused.status).toBe(422);
  });

  it('fails the next requests the way a test asked it to', async () => {
    // Prepare
    await post('/_faults', { count: 2, kind: 'rate-limited' });
    github.injectFaults(1, 'timeout', 200);

    // Act
    const limited = [await get('/repos/acme/shop/pulls'), await get('/repos/acme/shop/pulls')];
    const timedOut = await get('/repos/acme/shop/pulls').then(
      () => 'answered',
      () => 'socket closed',
    );
    const healthy = await get('/repos/acme/shop/pulls');

    // Assess
    expect(limited.map((r) => [r.status, r.headers.get('x-ratelimit-remaining')])).toEqual([
      [403, '0'],
      [403, '0'],
    ]);
    expect(timedOut).toBe('socket closed');
    expect(healthy.status).toBe(200);
  });
});
