import examples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const SECRET = 'unit-webhook-secret';
export const REPOSITORY = { owner: 'acme', repo: 'shop' } as const;

type Json = Record<string, unknown>;

/** GitHub's own example payload of `event` (`@octokit/webhooks-examples`), the `index`-th with `action`. */
export const example = (event: string, action?: string, index = 0): Json => {
  const entry = (examples as unknown as { name: string; examples: Json[] }[]).find((e) => e.name === event);
  const found = (entry?.examples ?? []).filter((e) => action === undefined || e.action === action)[index];
  if (!found) throw new Error(`no example for ${event} ${action ?? ''}`);
  return structuredClone(found);
};

const renameRepo = (repo: Json, owner: string, name: string): void => {
  repo.full_name = `${owner}/${name}`;
  repo.name = name;
  (repo.owner as Json).login = owner;
};

export interface ClosedOptions {
  branch?: string;
  number?: number;
  merged?: boolean;
  owner?: string;
  repo?: string;
  /** The head repository, for a fork; null as GitHub sends for a deleted fork. */
  headRepo?: string | null;
}

/**
 * The real `pull_request` `closed` example, moved to our repository with the fields a test varies
 * replaced (GitHub's example is `Codertocat/Hello-World`, branch `changes`, not merged).
 */
export const closedPullRequest = (options: ClosedOptions = {}): Json => {
  const payload = example('pull_request', 'closed');
  const { owner = REPOSITORY.owner, repo = REPOSITORY.repo } = options;
  const pr = payload.pull_request as Json;
  const head = pr.head as Json;
  const base = pr.base as Json;
  renameRepo(payload.repository as Json, owner, repo);
  renameRepo(base.repo as Json, owner, repo);
  if (options.headRepo === null) head.repo = null;
  else {
    const [headOwner, headName] = (options.headRepo ?? `${owner}/${repo}`).split('/');
    renameRepo(head.repo as Json, headOwner ?? owner, headName ?? repo);
  }
  if (options.branch) head.ref = options.branch;
  if (options.number) {
    payload.number = options.number;
    pr.number = options.number;
  }
  if (options.merged) {
    pr.merged = true;
    pr.merged_at = pr.closed_at;
  }
  return payload;
};

export interface DeliveryOptions {
  event?: string;
  deliveryId?: string;
  secret?: string;
  signature?: string | null;
  contentType?: string;
  body?: string;
}

/** An HTTP API (payload 2.0) event as API Gateway hands GitHub's POST to the function. */
export const delivery = async (
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<APIGatewayProxyEventV2> => {
  const body = options.body ?? JSON.stringify(payload);
  const signature =
    options.signature === null
      ? undefined
      : (options.signature ?? (await sign(options.secret ?? SECRET, body)));
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-github-event': options.event ?? 'pull_request',
    'x-github-delivery': options.deliveryId ?? '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-hook-id': '292430182',
    'user-agent': 'GitHub-Hookshot/044aadd',
  };
  if (signature) headers['x-hub-signature-256'] = signature;
  return {
    version: '2.0',
    routeKey: 'POST /github/webhook',
    rawPath: '/github/webhook',
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/github/webhook' } },
  } as unknown as APIGatewayProxyEventV2;
};
