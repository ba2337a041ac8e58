import { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import * as z from 'zod';

/** The repository whose pull requests end environments (`github.owner/repo` in the stage config). */
export interface Repository {
  owner: string;
  repo: string;
}

type ClosedData = PullRequestClosed['data'];

/** What one verified delivery means; the handler maps each kind to an HTTP answer. */
export type Decision =
  | { kind: 'ping' }
  | { kind: 'ignored'; reason: IgnoredReason }
  | { kind: 'publish'; data: ClosedData };

export type IgnoredReason =
  | 'event_not_handled'
  | 'action_not_handled'
  | 'other_repository'
  | 'fork'
  | 'unexpected_payload';

const RepoRef = z.object({ full_name: z.string() }).loose();

/** Only the fields a `pull_request` delivery must have for us; the rest of GitHub's payload is ignored. */
const PullRequestDelivery = z
  .object({
    action: z.string(),
    number: z.number().int().positive(),
    repository: RepoRef,
    pull_request: z
      .object({
        merged: z.boolean().nullable().optional(),
        merged_at: z.string().nullable().optional(),
        closed_at: z.string().nullable(),
        head: z.object({ ref: z.string(), sha: z.string(), repo: RepoRef.nullable() }).loose(),
        base: z.object({ repo: RepoRef }).loose(),
      })
      .loose(),
  })
  .loose();

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const closedData = (
  delivery: z.infer<typeof PullRequestDelivery>,
  deliveryId: string,
): ClosedData | undefined => {
  const pr = delivery.pull_request;
  const parsed = PullRequestClosed.data.safeParse({
    repo: delivery.repository.full_name,
    branch: pr.head.ref,
    prNumber: delivery.number,
    // `merged` is absent from some webhook payloads; `merged_at` is always there once merged.
    merged: pr.merged === true || (pr.merged_at ?? null) !== null,
    headSha: pr.head.sha,
    closedAt: pr.closed_at,
    deliveryId,
  });
  return parsed.success ? parsed.data : undefined;
};

/**
 * Decides what a verified delivery asks for. Only `pull_request` `closed` of the configured
 * repository is published, and only when the head branch is in that repository: a fork's branch
 * of the same name is another branch, so its pull request never ends an environment (ADR 0019).
 */
export const decide = (
  eventName: string,
  deliveryId: string,
  payload: unknown,
  configured: Repository,
): Decision => {
  if (eventName === 'ping') return { kind: 'ping' };
  if (eventName !== 'pull_request') return { kind: 'ignored', reason: 'event_not_handled' };
  const parsed = PullRequestDelivery.safeParse(payload);
  if (!parsed.success) return { kind: 'ignored', reason: 'unexpected_payload' };
  const delivery = parsed.data;
  if (delivery.action !== 'closed') return { kind: 'ignored', reason: 'action_not_handled' };
  const ours = `${configured.owner}/${configured.repo}`;
  if (!sameName(delivery.repository.full_name, ours)) return { kind: 'ignored', reason: 'other_repository' };
  const head = delivery.pull_request.head.repo?.full_name;
  if (head === undefined || !sameName(head, delivery.pull_request.base.repo.full_name))
    return { kind: 'ignored', reason: 'fork' };
  const data = closedData(delivery, deliveryId);
  return data ? { kind: 'publish', data } : { kind: 'ignored', reason: 'unexpected_payload' };
};
