import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { RequestContext } from './ports';

/** What ingress knows when it acknowledges a `/deploy`: who asked, for what, and for how long. */
export interface DeployRequestFacts {
  deployId: string;
  query: string;
  ttlSeconds: number;
  /** `--spot` / `--on-demand`: the provisioner reads it from the record (ADR 0027). */
  capacity?: 'spot' | 'on-demand';
  /** `--no-follow`: the record opts out of updates in place; absent, the stage default applies. */
  noFollow?: boolean;
  /** `--fresh`: kept on the record so [Queue me] queues the request as it was typed (ADR 0031). */
  fresh?: boolean;
}

export const REQUESTED_STEP = 'requested';

/** The contracts' `replyTo` of a request: its conversation, with the user who asked. */
export const replyToOf = ({ actor, conversation }: Pick<RequestContext, 'actor' | 'conversation'>) => ({
  userId: actor.userId,
  ...conversation,
});

/**
 * The deployment record as ingress writes it, before the request is published: status REQUESTED, no
 * branch yet, so `/deploy status <id>` finds it from the acknowledgement on. Its `expiresAt` is
 * provisional (the provisioner sets the real one when the branch is resolved); if the request is
 * ever stuck, the reaper's TTL sweep ends it then (docs/architecture.md §3).
 */
export const requestedRecord = (facts: DeployRequestFacts, ctx: RequestContext): DeploymentRecord => {
  const now = ctx.ports.now();
  const { actor } = ctx;
  return {
    kind: 'deployment',
    deployId: facts.deployId,
    status: 'REQUESTED',
    query: facts.query,
    ...(facts.capacity ? { capacity: facts.capacity } : {}),
    owner: actor,
    ownerId: actor.userId,
    channelId: ctx.conversation.channelId,
    replyTo: replyToOf(ctx),
    responseUrlUses: 0,
    createdAt: now.toISOString(),
    ttlSeconds: facts.ttlSeconds,
    expiresAt: Math.floor(now.getTime() / 1000) + facts.ttlSeconds,
    keepOvernight: false,
    history: [{ step: REQUESTED_STEP, at: now.toISOString() }],
    version: 0,
    ...(facts.noFollow ? { follow: false } : {}),
    ...(facts.fresh ? { fresh: true } : {}),
  };
};
