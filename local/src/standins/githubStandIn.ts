import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '../templates/cfnTypes';
import { type DemoRepository, loadDemoRepository, shaOf } from './githubDemo';
import { type ApiAnswer, DeploymentStore } from './githubDeployments';
import {
  notFound as notFoundAnswer,
  primaryRateLimit,
  secondaryRateLimit,
  serverError,
} from './githubErrorAnswers';
import {
  FAULT_KINDS,
  type FaultKind,
  type GithubCalls,
  GithubLedger,
  type RateResource,
  resourceOf,
} from './githubLedger';
import { answerGraphql, searchIssues } from './githubQueries';
import { branchJson, pullJson, pullSimpleJson, repoJson } from './githubRest';
import {
  type Answer,
  type LocalServer,
  listen,
  parseJsonBody,
  type RequestTap,
  readBody,
  send,
} from './httpServer';

export type { FaultKind, GithubCalls } from './githubLedger';

export interface GithubStandIn extends LocalServer {
  calls(): GithubCalls;
  reset(): void;
  injectFaults(count: number, kind: FaultKind, delayMs?: number): void;
}

interface Context {
  demo: DemoRepository;
  deployments: DeploymentStore;
  params: URLSearchParams;
  body: unknown;
  url: string;
}

type Handler = (match: string[], ctx: Context) => ApiAnswer;

const notFound: ApiAnswer = notFoundAnswer();

const listPulls: Handler = (_m, { demo, params, url }) => {
  const state = params.get('state') ?? 'open';
  const head = params.get('head')?.split(':').pop();
  const perPage = Math.min(Number(params.get('per_page') ?? 30), 100);
  const page = Math.max(Number(params.get('page') ?? 1), 1);
  const key = params.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
  const direction = params.get('direction') === 'asc' ? 1 : -1;
  const found = demo.pulls
    .filter(
      (p) =>
        (state === 'all' || p.state === state) &&
        (!head || p.head === head) &&
        (!params.has('base') || p.base === params.get('base')),
    )
    .sort((a, b) => direction * a[key].localeCompare(b[key]));
  const pages = Math.max(Math.ceil(found.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const next = new URL(url, 'https://api.github.com');
    next.searchParams.set('page', String(n));
    return `<https://api.github.com${next.pathname}${next.search}>; rel="${rel}"`;
  };
  const links = [
    page < pages ? link(page + 1, 'next') : '',
    page < pages ? link(pages, 'last') : '',
    page > 1 ? link(page - 1, 'prev') : '',
    page > 1 ? link(1, 'first') : '',
  ].filter(Boolean);
  return {
    status: 200,
    body: found.slice((page - 1) * perPage, page * perPage).map((p) => pullSimpleJson(demo, p)),
    headers: links.length > 0 ? { link: links.join(', ') } : undefined,
  };
};

/** `[method, path pattern, endpoint name for /_calls, handler]`; owner and repo are checked first. */
const ROUTES: [string, RegExp, string, Handler][] = [
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+$/,
    'GET /repos/{owner}/{repo}',
    // An authenticated caller gets its own access in `permissions`, as GitHub answers; the stand-in's
    // token may write (push), which is what creating deployments needs.
    (_m, { demo }) => ({
      status: 200,
      body: {
        ...repoJson(demo),
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      },
    }),
  ],
  ['GET', /^\/repos\/[^/]+\/[^/]+\/pulls$/, 'GET /repos/{owner}/{repo}/pulls', listPulls],
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/,
    'GET /repos/{owner}/{repo}/pulls/{number}',
    ([n], { demo }) => {
      const pull = demo.pulls.find((p) => p.number === Number(n));
      return pull ? { status: 200, body: pullJson(demo, pull) } : notFound;
    },
  ],
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+\/branches\/(.+)$/,
    'GET /repos/{owner}/{repo}/branches/{branch}',
    ([name = ''], { demo }) => {
      const branch = decodeURIComponent(name);
      const sha = shaOf(demo, branch);
      return sha
        ? { status: 200, body: branchJson(demo, branch, sha) }
        : {
            status: 404,
            body: { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest' },
          };
    },
  ],
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+\/deployments$/,
    'GET /repos/{owner}/{repo}/deployments',
    (_m, c) => c.deployments.list(c.params),
  ],
  [
    'POST',
    /^\/repos\/[^/]+\/[^/]+\/deployments$/,
    'POST /repos/{owner}/{repo}/deployments',
    (_m, c) => c.deployments.create(c.body),
  ],
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)$/,
    'GET /repos/{owner}/{repo}/deployments/{id}',
    ([id], c) => c.deployments.get(Number(id)),
  ],
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/,
    'GET /repos/{owner}/{repo}/deployments/{id}/statuses',
    ([id], c) => c.deployments.listStatuses(Number(id)),
  ],
  [
    'POST',
    /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/,
    'POST /repos/{owner}/{repo}/deployments/{id}/statuses',
    ([id], c) => c.deployments.addStatus(Number(id), c.body),
  ],
  [
    'GET',
    /^\/repos\/[^/]+\/[^/]+\/environments\/([^/]+)$/,
    'GET /repos/{owner}/{repo}/environments/{environment_name}',
    ([name = ''], c) => c.deployments.getEnvironment(decodeURIComponent(name)),
  ],
  [
    'DELETE',
    /^\/repos\/[^/]+\/[^/]+\/environments\/([^/]+)$/,
    'DELETE /repos/{owner}/{repo}/environments/{environment_name}',
    ([name = ''], c) => c.deployments.deleteEnvironment(decodeURIComponent(name)),
  ],
  [
    'GET',
    /^\/search\/issues$/,
    'GET /search/issues',
    (_m, { demo, params }) => ({ status: 200, body: searchIssues(demo, params).body }),
  ],
  ['POST', /^\/graphql$/, 'POST /graphql', (_m, { demo, body }) => answerGraphql(demo, body)],
];

const isOtherRepository = (path: string, demo: DemoRepository): boolean => {
  const match = /^\/repos\/([^/]+)\/([^/]+)/.exec(path);
  return !!match && (match[1] !== demo.owner || match[2] !== demo.repo);
};

const etagOf = (body: string): string => `W/"${createHash('sha1').update(body).digest('hex')}"`;

const matchesEtag = (req: IncomingMessage, etag: string): boolean =>
  (req.headers['if-none-match'] ?? '')
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag.replace(/^W\//, ''));

export interface GithubStandInOptions {
  port?: number;
  demo?: DemoRepository;
  /** Sees every request whole, headers and body (the e2e secrets scan). */
  tap?: RequestTap;
}

interface StandInState {
  demo: DemoRepository;
  ledger: GithubLedger;
  deployments: DeploymentStore;
}

/** Whether the token has Administration: write (DELETE environments); GitHub answers 403 without. */
const setPermissions = (state: StandInState, body: unknown): Answer => {
  state.deployments.environmentAdmin = isRecord(body) && body.administration === 'write';
  return { status: 200, body: { ok: true } };
};

const control = (state: StandInState, method: string, path: string, body: unknown): Answer | undefined => {
  if (method === 'GET' && path === '/_calls') return { status: 200, body: state.ledger.snapshot() };
  if (method === 'POST' && path === '/_reset') {
    state.ledger.reset();
    state.deployments = new DeploymentStore(state.demo);
    return { status: 200, body: { ok: true } };
  }
  if (method === 'POST' && path === '/_permissions') return setPermissions(state, body);
  if (method === 'POST' && path === '/_faults' && isRecord(body)) return addFaults(state, body);
  if (method === 'POST' && path === '/_push' && isRecord(body)) return push(state, body);
  return undefined;
};

/** `POST /_push {branch, sha}`: CI built a new commit of a demo branch (`branch-envs local upload`). */
const push = (state: StandInState, body: Record<string, unknown>): Answer =>
  state.deployments.push(String(body.branch ?? ''), String(body.sha ?? ''))
    ? { status: 200, body: { ok: true } }
    : { status: 422, body: { message: 'branch must be a demo branch and sha 40 hex characters' } };

const addFaults = (state: StandInState, body: Record<string, unknown>): Answer => {
  const kind = String(body.kind ?? '500');
  if (!isFaultKind(kind))
    return { status: 422, body: { message: `kind must be one of ${FAULT_KINDS.join(', ')}` } };
  const pending = state.ledger.addFaults(Number(body.count ?? 1), kind, Number(body.delayMs ?? 10_000));
  return { status: 200, body: { ok: true, pending } };
};

const isFaultKind = (kind: string): kind is FaultKind => (FAULT_KINDS as readonly string[]).includes(kind);

/** The primary limit in GitHub's shapes: REST 403 or 429, GraphQL HTTP 200 with RATE_LIMITED. */
const primaryLimit = (state: StandInState, resource: RateResource, status: 403 | 429): Answer =>
  primaryRateLimit({
    graphql: resource === 'graphql',
    status,
    headers: state.ledger.rateHeaders(resource, true),
    message: 'API rate limit exceeded (local stand-in fault)',
  });

/** A queued fault for this request: a 500, a rate limit, or no answer at all (a timeout). */
const faultAnswer = (
  state: StandInState,
  res: ServerResponse,
  resource: RateResource,
): Answer | 'hang' | undefined => {
  const fault = state.ledger.nextFault();
  switch (fault?.kind) {
    case undefined:
      return undefined;
    case 'timeout':
      setTimeout(() => res.destroy(), fault.delayMs).unref();
      return 'hang';
    case 'rate-limited':
      return primaryLimit(state, resource, 403);
    case '429':
      return primaryLimit(state, resource, 429);
    case 'secondary-rate-limited':
      return secondaryRateLimit(429, 60);
    case '500':
      return serverError('Server Error (local stand-in fault)');
  }
};

type Route = (typeof ROUTES)[number];

const findRoute = (method: string, path: string): Route | undefined =>
  ROUTES.find(([m, pattern]) => m === method && pattern.test(path));

const routeAnswer = (state: StandInState, route: Route | undefined, url: URL, body: unknown): ApiAnswer => {
  if (!route || isOtherRepository(url.pathname, state.demo)) return notFound;
  const [, pattern, , handler] = route;
  const context = {
    demo: state.demo,
    deployments: state.deployments,
    params: url.searchParams,
    body,
    url: `${url.pathname}${url.search}`,
  };
  return handler((pattern.exec(url.pathname) ?? []).slice(1), context);
};

const api = (
  state: StandInState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: unknown,
): void => {
  const method = req.method ?? 'GET';
  const resource = resourceOf(url.pathname);
  const route = findRoute(method, url.pathname);
  const endpoint = route?.[2] ?? `${method} ${url.pathname}`;
  const fault = faultAnswer(state, res, resource);
  if (fault) {
    if (fault !== 'hang') send(res, fault);
    state.ledger.count(method, endpoint, url.pathname, fault === 'hang' ? 0 : fault.status);
    return;
  }
  const answer = routeAnswer(state, route, url, body);
  const etag = etagOf(JSON.stringify(answer.body) ?? '');
  if (method === 'GET' && answer.status === 200 && matchesEtag(req, etag)) {
    res.writeHead(304, { etag, ...state.ledger.rateHeaders(resource) });
    res.end();
    state.ledger.count(method, endpoint, url.pathname, 304);
    return;
  }
  state.ledger.spend(resource);
  const etagHeader: Record<string, string> = method === 'GET' ? { etag } : {};
  send(res, {
    status: answer.status,
    body: answer.body,
    headers: { ...etagHeader, ...state.ledger.rateHeaders(resource), ...answer.headers },
  });
  state.ledger.count(method, endpoint, url.pathname, answer.status);
};

/**
 * Stands in for api.github.com with the demo repository: the REST and GraphQL calls the resolver and
 * the notifier make, with GitHub's response shapes, ETags honoured with 304s that cost no rate limit,
 * rate-limit headers, per-endpoint call counts (`GET /_calls`, `POST /_reset`), the token's
 * Administration permission (`POST /_permissions {administration: write|none}`) and injectable
 * failures (`POST /_faults {count, kind: 500|rate-limited|429|secondary-rate-limited|timeout, delayMs}`).
 */
export const startGithubStandIn = async (options: GithubStandInOptions = {}): Promise<GithubStandIn> => {
  const demo = options.demo ?? loadDemoRepository();
  const state: StandInState = { demo, ledger: new GithubLedger(), deployments: new DeploymentStore(demo) };
  const server = await listen(
    (req, res) => {
      readBody(req).then(
        (raw) => {
          const url = new URL(req.url ?? '/', 'http://github.local');
          const body = parseJsonBody(raw);
          const answer = control(state, req.method ?? 'GET', url.pathname, body);
          if (answer) send(res, answer);
          else api(state, req, res, url, body);
        },
        () => send(res, { status: 400, body: { message: 'Problems parsing JSON' } }),
      );
    },
    options.port,
    { name: 'github', tap: options.tap },
  );
  return {
    url: server.url,
    port: server.port,
    stop: server.stop,
    calls: () => state.ledger.snapshot(),
    reset: () => {
      state.ledger.reset();
      state.deployments = new DeploymentStore(demo);
    },
    injectFaults: (count, kind, delayMs = 10_000) => {
      state.ledger.addFaults(count, kind, delayMs);
    },
  };
};
