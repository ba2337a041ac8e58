import type { EventMetadata } from '@branch-envs/shared/envelope';
import type { ReplyTo } from '@branch-envs/shared/events/common';
import { RequestRefused } from '@branch-envs/shared/events/RequestRefused';
import type { ReaperDeps } from './ports';

export type RefusalCode = 'not_owner' | 'admin_only' | 'not_found' | 'not_live';

export interface Refusal {
  code: RefusalCode;
  message: string;
  deployId?: string;
}

export interface RequestContext {
  request: 'terminate' | 'extend';
  requestId: string;
  actor: string;
  replyTo: ReplyTo;
  cause: EventMetadata;
}

/** A refusal is never silent: it becomes RequestRefused, which the notifier turns into a reply. */
export const refuse = async (refusal: Refusal, ctx: RequestContext, deps: ReaperDeps): Promise<void> => {
  deps.telemetry.count(`Refused_${refusal.code}`);
  deps.log.info('Refusing a request', {
    request: ctx.request,
    code: refusal.code,
    deployId: refusal.deployId,
  });
  await deps.publisher.publish([
    {
      contract: RequestRefused,
      data: {
        requestId: ctx.requestId,
        request: ctx.request,
        code: refusal.code,
        message: refusal.message.slice(0, 500),
        ...(refusal.deployId ? { deployId: refusal.deployId } : {}),
        replyTo: ctx.replyTo,
      },
      cause: ctx.cause,
      key: refusal.deployId ?? ctx.requestId,
    },
  ]);
};

const quote = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

export const describeTarget = (
  target: { kind: 'deploy'; deployId: string } | { kind: 'branch'; branch: string },
) => (target.kind === 'deploy' ? `deployment ${quote(target.deployId)}` : `branch ${quote(target.branch)}`);

export const refusals = {
  notFound: (what: string, deployId?: string): Refusal => ({
    code: 'not_found',
    message: `There is no live environment for ${what}.`,
    deployId,
  }),
  notLive: (what: string, status: string, deployId: string): Refusal => ({
    code: 'not_live',
    message:
      status === 'TERMINATING'
        ? `The environment for ${what} is already being terminated.`
        : `The environment for ${what} has already ended (${status.toLowerCase()}).`,
    deployId,
  }),
  /** A request still resolving has only a provisional expiry, which the launch replaces. */
  notLaunched: (what: string, deployId: string): Refusal => ({
    code: 'not_live',
    message: `The environment for ${what} is still looking for its branch; extend it once it has launched.`,
    deployId,
  }),
  notOwner: (what: string, deployId?: string): Refusal => ({
    code: 'not_owner',
    message: `The environment for ${what} belongs to someone else. Only its owner or an admin can do that.`,
    deployId,
  }),
  endedMeanwhile: (what: string, deployId?: string): Refusal => ({
    code: 'not_live',
    message: `The environment for ${what} is ending and can no longer be extended.`,
    deployId,
  }),
  adminOnly: (): Refusal => ({
    code: 'admin_only',
    message: 'Only admins can terminate every environment. Use `mine` to end your own.',
  }),
  noneOfYours: (): Refusal => ({ code: 'not_found', message: 'You have no live environments.' }),
  noneAtAll: (): Refusal => ({ code: 'not_found', message: 'There are no live environments.' }),
};
