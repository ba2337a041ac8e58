import { createHmac, randomUUID } from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { LOCAL_SECRETS } from '../config/localEnv';
import { type DemoRepository, headShaOf } from '../standins/githubDemo';

type Json = Record<string, unknown>;

/** GitHub's own example delivery of `event` with `action` (`@octokit/webhooks-examples`), copied. */
const exampleOf = (event: string, action: string): Json => {
  const entry = (examples as unknown as { name: string; examples: Json[] }[]).find((e) => e.name === event);
  const found = entry?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event} ${action}`);
  return structuredClone(found);
};

const moveRepo = (repo: Json, fullName: string): void => {
  const [owner = '', name = ''] = fullName.split('/');
  Object.assign(repo, { full_name: fullName, name });
  (repo.owner as Json).login = owner;
};

export interface PrClosedOptions {
  branch: string;
  merged: boolean;
  /** Defaults to the demo repository's pull request of the branch. */
  number?: number;
  /** `owner/name` of a fork the head branch lives in (never ends anything). */
  fork?: string;
  closedAt?: Date;
}

/**
 * A `pull_request` `closed` delivery built from GitHub's real example payload, with the repository,
 * branch, number, head SHA, merge state and close time replaced: what GitHub would send when the
 * demo repository's pull request of `branch` is merged or closed.
 */
export const prClosedPayload = (demo: DemoRepository, options: PrClosedOptions): Json => {
  const payload = exampleOf('pull_request', 'closed');
  const pull = demo.pulls.find((p) => p.head === options.branch && !p.fork);
  const number = options.number ?? pull?.number;
  if (number === undefined)
    throw new Error(`the demo repository has no pull request of ${options.branch}; pass --number`);
  const ours = `${demo.owner}/${demo.repo}`;
  const pr = payload.pull_request as Json;
  const head = pr.head as Json;
  const closedAt = (options.closedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  moveRepo(payload.repository as Json, ours);
  moveRepo((pr.base as Json).repo as Json, ours);
  moveRepo(head.repo as Json, options.fork ?? ours);
  Object.assign(head, { ref: options.branch, sha: pull ? headShaOf(demo, pull) || head.sha : head.sha });
  Object.assign(pr, {
    number,
    closed_at: closedAt,
    merged: options.merged,
    merged_at: options.merged ? closedAt : null,
  });
  payload.number = number;
  return payload;
};

export interface SentWebhook {
  status: number;
  body: string;
  deliveryId: string;
}

/** Posts a delivery as GitHub does: JSON, `X-GitHub-Event`, `X-GitHub-Delivery`, `X-Hub-Signature-256`. */
export const sendWebhook = async (
  url: string,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string; body?: string } = {},
): Promise<SentWebhook> => {
  const body = options.body ?? JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const secret = options.secret ?? LOCAL_SECRETS.githubWebhookSecret.value;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/local',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: response.status, body: await response.text(), deliveryId };
};
