/**
 * A small GitHub on `node:http` for integration tests and the calls benchmark: the fixture
 * repository behind the REST and GraphQL calls the resolver makes, in GitHub's shapes, with ETags
 * and 304s, `x-ratelimit-*` headers and limits, a call log, and injectable faults.
 * 304s are free only for authenticated requests, as GitHub documents.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoPull, DemoRepository } from '../../../../local/src/standins/githubDemo';
import {
  badCredentials,
  graphqlRequiresAuthentication,
  notFound,
  primaryRateLimit,
  repositoryNotFound,
  secondaryRateLimit,
  serverError,
  tokenLacksPermission,
  validationFailed,
} from '../../../../local/src/standins/githubErrorAnswers';
import { branchJson, issueJson, pullJson, pullSimpleJson } from '../../../../local/src/standins/githubRest';
import {
  branchShas,
  OWNER,
  openPullsByUpdate,
  PULLS,
  type PullSpec,
  REPO,
  restPull,
  searchFixture,
  shaOf,
} from './githubFixtures';

export type Fault =
  | { kind: '500' }
  | { kind: 'timeout'; delayMs: number }
  | { kind: 'rate-limited'; status?: 403 | 429 }
  | { kind: 'secondary-rate-limited'; status: 403 | 429; retryAfter?: number }
  /** A fine-grained token without the permission the endpoint needs, as GitHub answers it. */
  | { kind: 'forbidden'; permission: string }
  /** A token GitHub does not accept (revoked, expired, mistyped): REST 401. */
  | { kind: 'bad-credentials' };
type Resource = 'core' | 'search' | 'graphql';

export interface LoggedCall {
  method: string;
  path: string;
  /** 0 when the server never answered (a timeout fault). */
  status: number;
  authorized: boolean;
  conditional: boolean;
}

export interface GithubServer {
  url: string;
  calls: LoggedCall[];
  /** Rate limit spent so far, per resource. */
  used: Record<Resource, number>;
  limits: Record<Resource, number>;
  resetAt: number;
  faults: Fault[];
  reset(): void;
  stop(): Promise<void>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

interface Request {
  method: string;
  url: URL;
  body: unknown;
  origin: string;
  pulls: readonly PullSpec[];
  demo: DemoRepository;
  authorized: boolean;
  etag?: string;
  resource: Resource;
}

const NOT_FOUND: Answer = notFound();

/**
 * The fixture as the local stand-in's demo repository, so both stand-ins answer in one set of GitHub
 * REST shapes (local/src/standins/githubRest.ts, checked against GitHub's OpenAPI description).
 */
const demoPullOf = (p: PullSpec): DemoPull => {
  const state = p.state ?? 'open';
  return {
    number: p.number,
    head: p.head,
    base: 'main',
    title: p.title,
    author: p.author,
    state,
    draft: p.draft ?? false,
    createdAt: '2026-11-01T08:00:00Z',
    updatedAt: p.updatedAt,
    ...(state === 'closed' ? { closedAt: p.updatedAt, mergedAt: null } : {}),
    ...(p.fork ? { fork: { owner: p.fork.split('/')[0] ?? p.fork, sha: shaOf(p.head) } } : {}),
  };
};

const demoOf = (pulls: readonly PullSpec[]): DemoRepository => {
  const shas = branchShas();
  for (const p of pulls) if (!p.fork && !shas.has(p.head)) shas.set(p.head, shaOf(p.head));
  return {
    owner: OWNER,
    repo: REPO,
    defaultBranch: 'main',
    branches: [...shas].map(([name, sha]) => ({ name, sha })),
    pulls: pulls.map(demoPullOf),
    artifacts: { app: REPO, missingPgdump: [] },
  };
};
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const DEFAULT_LIMITS: Record<Resource, number> = { core: 5000, search: 30, graphql: 5000 };

const listPulls = ({ pulls, demo, url, origin }: Request): Answer => {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
  const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
  const open = openPullsByUpdate(pulls);
  const last = Math.max(Math.ceil(open.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const next = new URL(url.pathname + url.search, origin);
    next.searchParams.set('page', String(n));
    return `<${next.href}>; rel="${rel}"`;
  };
  const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
  return {
    status: 200,
    body: open.slice((page - 1) * perPage, page * perPage).map((p) => pullSimpleJson(demo, demoPullOf(p))),
    ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
  };
};

type PullsVariables = { owner?: string; name?: string; first?: number; after?: string | null };

/** The OpenPullRequests query; cursors are base64 indexes, as opaque as GitHub's. */
const graphqlPulls = ({ pulls, body }: Request): Answer => {
  const variables = (body as { variables?: PullsVariables }).variables ?? {};
  if (variables.owner !== OWNER || variables.name !== REPO)
    return repositoryNotFound(variables.owner, variables.name);
  const start = variables.after ? Number(Buffer.from(variables.after, 'base64').toString()) + 1 : 0;
  const open = openPullsByUpdate(pulls);
  const page = open.slice(start, start + (variables.first ?? 100));
  const nodes = page.map((p) => {
    const rest = restPull(p);
    return {
      number: p.number,
      title: p.title,
      url: rest.html_url,
      headRefName: p.head,
      headRefOid: rest.head.sha,
      updatedAt: p.updatedAt,
      isDraft: rest.draft,
      isCrossRepository: p.fork !== undefined,
      author: { login: p.author },
    };
  });
  const end = start + page.length;
  const pageInfo = {
    hasNextPage: end < open.length,
    endCursor: Buffer.from(String(end - 1)).toString('base64'),
  };
  return { status: 200, body: { data: { repository: { pullRequests: { pageInfo, nodes } } } } };
};

const pullByNumber = ({ pulls, demo }: Request, number: string): Answer => {
  const found = pulls.find((p) => p.number === Number(number));
  return found ? { status: 200, body: pullJson(demo, demoPullOf(found)) } : NOT_FOUND;
};

const branchByName = ({ demo }: Request, encoded: string): Answer => {
  const name = decodeURIComponent(encoded);
  const sha = branchShas().get(name);
  return sha ? { status: 200, body: branchJson(demo, name, sha) } : notFound('Branch not found');
};

const search = ({ pulls, demo, url }: Request): Answer => {
  const q = url.searchParams.get('q')?.trim();
  if (!q) return validationFailed('Search', 'q', 'missing');
  const hits = searchFixture(q, pulls);
  const perPage = Number(url.searchParams.get('per_page') ?? 30);
  const items = hits.slice(0, perPage).map((p) => issueJson(demo, demoPullOf(p)));
  return {
    status: 200,
    body: { total_count: hits.length, incomplete_results: false, search_type: 'lexical', items },
  };
};

/** `[method, path, answer]`; the path's first group, if any, goes to the answer. */
const ROUTES: [string, RegExp, (request: Request, match: string) => Answer][] = [
  ['POST', /^\/graphql$/, graphqlPulls],
  ['GET', new RegExp(`^${REPO_PATH}/pulls$`), listPulls],
  ['GET', new RegExp(`^${REPO_PATH}/pulls/(\\d+)$`), pullByNumber],
  ['GET', new RegExp(`^${REPO_PATH}/branches/(.+)$`), branchByName],
  ['GET', /^\/search\/issues$/, search],
];

const route = (request: Request): Answer => {
  for (const [method, pattern, answer] of ROUTES) {
    const match = method === request.method ? pattern.exec(request.url.pathname) : null;
    if (match) return answer(request, match[1] ?? '');
  }
  return NOT_FOUND;
};

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
};

const resourceOf = (path: string): Resource =>
  path === '/graphql' ? 'graphql' : path.startsWith('/search/') ? 'search' : 'core';

export const startGithubServer = async (
  options: { pulls?: readonly PullSpec[] } = {},
): Promise<GithubServer> => {
  const pulls = options.pulls ?? PULLS;
  const demo = demoOf(pulls);
  const state = {
    calls: [] as LoggedCall[],
    used: { core: 0, search: 0, graphql: 0 } as Record<Resource, number>,
    limits: { ...DEFAULT_LIMITS },
    resetAt: Math.floor(Date.now() / 1000) + 3600,
    faults: [] as Fault[],
  };

  const rateHeaders = (resource: Resource): Record<string, string> => ({
    'x-ratelimit-limit': String(state.limits[resource]),
    'x-ratelimit-remaining': String(Math.max(state.limits[resource] - state.used[resource], 0)),
    'x-ratelimit-reset': String(state.resetAt),
    'x-ratelimit-used': String(state.used[resource]),
    'x-ratelimit-resource': resource,
  });

  /**
   * GitHub's primary limit: 403 or 429 with `x-ratelimit-remaining: 0` and the reset time; GraphQL
   * answers it with HTTP 200 and an error of type RATE_LIMITED.
   */
  const primaryLimit = (resource: Resource, status: 403 | 429): Answer =>
    primaryRateLimit({
      graphql: resource === 'graphql',
      status,
      headers: { ...rateHeaders(resource), 'x-ratelimit-remaining': '0' },
    });

  /** What an injected fault answers; a timeout answers nothing and drops the connection later. */
  const faultAnswer = (fault: Fault, r: Request, res: ServerResponse): Answer | 'hang' => {
    switch (fault.kind) {
      case 'timeout':
        setTimeout(() => res.destroy(), fault.delayMs).unref();
        return 'hang';
      case '500':
        return serverError();
      case 'secondary-rate-limited':
        return secondaryRateLimit(fault.status, fault.retryAfter);
      case 'rate-limited':
        return primaryLimit(r.resource, fault.status ?? 403);
      case 'bad-credentials':
        return { ...badCredentials(), headers: rateHeaders(r.resource) };
      case 'forbidden':
        return tokenLacksPermission(
          fault.permission,
          'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
          rateHeaders(r.resource),
        );
    }
  };

  /** A fault or a refusal (rate limit, GraphQL without a token) instead of the real answer. */
  const interception = (r: Request, res: ServerResponse): Answer | 'hang' | undefined => {
    const fault = state.faults.shift();
    if (fault?.kind === 'timeout' || fault?.kind === '500') return faultAnswer(fault, r, res);
    if (r.resource === 'graphql' && !r.authorized) return graphqlRequiresAuthentication();
    if (fault) return faultAnswer(fault, r, res);
    return state.used[r.resource] >= state.limits[r.resource] ? primaryLimit(r.resource, 403) : undefined;
  };

  /** The answer, or a 304 when the client's ETag still matches; spends rate limit as GitHub does. */
  const answer = (r: Request): Answer => {
    const real = route(r);
    const etag = `W/"${createHash('sha1').update(JSON.stringify(real.body)).digest('hex')}"`;
    const notModified = r.method === 'GET' && real.status === 200 && r.etag === etag;
    if (!notModified || !r.authorized) state.used[r.resource] += 1;
    const headers = { ...(r.method === 'GET' ? { etag } : {}), ...rateHeaders(r.resource) };
    return notModified
      ? { status: 304, body: undefined, headers }
      : { ...real, headers: { ...headers, ...real.headers } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const request: Request = {
      method: req.method ?? 'GET',
      url,
      body: await readBody(req),
      origin,
      pulls,
      demo,
      authorized: typeof req.headers.authorization === 'string',
      etag: req.headers['if-none-match'],
      resource: resourceOf(url.pathname),
    };
    const intercepted = interception(request, res);
    const result = intercepted === 'hang' ? undefined : (intercepted ?? answer(request));
    state.calls.push({
      method: request.method,
      path: url.pathname + url.search,
      status: result?.status ?? 0,
      authorized: request.authorized,
      conditional: request.etag !== undefined,
    });
    if (!result) return;
    res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...result.headers });
    res.end(result.status === 304 ? undefined : JSON.stringify(result.body));
  };

  const server = createServer((req, res) => {
    handle(req, res, origin).catch(() => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Problems parsing JSON' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: origin,
    reset() {
      state.calls.length = 0;
      state.faults.length = 0;
      state.used = { core: 0, search: 0, graphql: 0 };
      state.limits = { ...DEFAULT_LIMITS };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};
