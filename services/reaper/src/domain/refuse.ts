import type { EventMetadata } from '@branch-envs/shared/envelope';
import type { ReplyTo } from '@branch-envs/shared/events/common';
import { RequestRefused } from '@branch-envs/shared/events/RequestRefused';
import type { Refusal } from './messages/refusals';
import type { ReaperDeps } from './ports';

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
