import { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { TerminateRequested, type TerminateTarget } from '@branch-envs/shared/events/TerminateRequested';
import type { OutgoingEventOf } from '@branch-envs/shared/publish';
import { notice } from './blocks';
import { cappedNote, type DeployCommand, type Extension, type Target } from './grammar';
import { queueReplies } from './messages/queueReplies';
import { deployAck, extendAck, replies, terminateAck, terminateLabel } from './messages/replies';
import type { Outcome, RequestContext } from './ports';
import { cancelQueuedFor } from './queueCancel';
import { replyToOf, requestedRecord } from './requestRecord';
import { type CheckedTarget, checkTarget, isOutcome } from './targets';
import { code } from './text';

/** The use cases that publish: each builds one event, publishes it and acknowledges with its id. */

type DeployRequest = Extract<DeployCommand, { kind: 'deploy' }>;

/**
 * How long a failed publish waits for its record to be ended before the user hears the error. Ending
 * it is one UpdateItem with ingress's 2 s request timeout and one retry; waiting for all of that after
 * a publish that failed slowly ran past the 5 s Lambda timeout, and the user got the API's 503 instead
 * of the error (issue 17's chaos run 5). A record left REQUESTED is ended by the reaper's sweep of
 * requests that never reached the resolver (ADR 0018).
 */
export const ABANDON_WAIT_MS = 1000;

const atMost = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Publishes a deploy request whose record exists; if the bus refuses it, the record is ended. */
const publishOrAbandon = async (
  ctx: RequestContext,
  deployId: string,
  events: readonly OutgoingEventOf<'slack-ingress'>[],
) => {
  try {
    await ctx.ports.publisher.publish(events);
  } catch (error) {
    // The publish error is what the user and the logs must see; if ending the record fails or is
    // slow, the reaper's sweep ends it.
    const abandoned = ctx.ports.registry.abandon(deployId, 'the request could not be published');
    await Promise.race([abandoned.catch(() => undefined), atMost(ABANDON_WAIT_MS)]);
    throw error;
  }
};

/** DeployRequested v3 for a `/deploy`: the parsed query, its lifetime, `--spot` / `--on-demand`, `--no-follow`. */
const deployRequested = (
  command: DeployRequest,
  deployId: string,
  ctx: RequestContext,
): OutgoingEventOf<'slack-ingress'> => ({
  contract: DeployRequestedV3,
  data: {
    deployId,
    query: command.query,
    parsedQuery: command.parsedQuery,
    ttlSeconds: command.ttlSeconds,
    ttlCapped: command.capped,
    fresh: command.fresh,
    ...(command.capacity ? { capacity: command.capacity } : {}),
    ...(command.noFollow ? { follow: false } : {}),
    owner: ctx.actor,
    replyTo: replyToOf(ctx),
  },
  cause: { correlationId: deployId },
});

export const requestDeploy = async (command: DeployRequest, ctx: RequestContext): Promise<Outcome> => {
  const { ports, settings } = ctx;
  const deployId = ports.newId();
  await ports.registry.open(
    requestedRecord(
      {
        deployId,
        query: command.query,
        ttlSeconds: command.ttlSeconds,
        noFollow: command.noFollow,
        fresh: command.fresh,
        ...(command.capacity ? { capacity: command.capacity } : {}),
      },
      ctx,
    ),
  );
  await publishOrAbandon(ctx, deployId, [deployRequested(command, deployId, ctx)]);
  const ack = deployAck(
    { ...command, deployId, maxTtlSeconds: settings.maxTtlSeconds, deployCommand: settings.deployCommand },
    { now: ports.now(), nightly: settings.nightly },
  );
  return {
    kind: 'published',
    message: notice(ack),
    detailType: DeployRequestedV3.detailType,
    correlationId: deployId,
  };
};

const terminateCheck = async (
  target: TerminateTarget,
  ctx: RequestContext,
  requestId: string,
): Promise<CheckedTarget | Outcome> => {
  if (target.kind === 'all') {
    if (ctx.role !== 'admin') {
      const text = replies.onlyAdminsTerminateAll(ctx.settings.terminateCommand);
      return { kind: 'refused', message: notice(text) };
    }
    const live = await ctx.ports.deployments.live();
    if (live.length === 0) return { kind: 'answered', message: notice(replies.noLiveEnvironments) };
    return { correlationId: requestId, label: terminateLabel.all(live.length) };
  }
  if (target.kind === 'mine') {
    const mine = await ctx.ports.deployments.liveByOwner(ctx.actor.userId);
    const [only] = mine;
    if (!only) return { kind: 'answered', message: notice(replies.noLiveEnvironmentsOfYours) };
    const onlyLabel = `deploy ${code(only.deployId)}${only.branch !== undefined ? ` (${code(only.branch)})` : ''}`;
    return {
      correlationId: mine.length === 1 ? only.deployId : requestId,
      label: terminateLabel.mine(mine.length, onlyLabel),
    };
  }
  return checkTarget(target, ctx, requestId, 'terminate');
};

export const requestTerminate = async (target: TerminateTarget, ctx: RequestContext): Promise<Outcome> => {
  const requestId = ctx.ports.newId();
  const checked = await terminateCheck(target, ctx, requestId);
  const scope = target.kind === 'mine' || target.kind === 'all' ? target.kind : undefined;
  if (isOutcome(checked)) {
    const cancelled = scope && checked.kind === 'answered' ? await cancelQueuedFor(scope, ctx) : 0;
    return cancelled > 0
      ? { kind: 'answered', message: notice(queueReplies.cancelledOnly(cancelled)) }
      : checked;
  }
  await ctx.ports.publisher.publish([
    {
      contract: TerminateRequested,
      data: { requestId, target, requestedBy: ctx.actor, replyTo: replyToOf(ctx) },
      cause: { correlationId: checked.correlationId },
    },
  ]);
  const cancelled = scope ? await cancelQueuedFor(scope, ctx) : 0;
  const ack = terminateAck(checked.label, requestId);
  return {
    kind: 'published',
    message: notice(cancelled > 0 ? `${ack}\n${queueReplies.cancelled(cancelled)}` : ack),
    detailType: TerminateRequested.detailType,
    correlationId: checked.correlationId,
  };
};

export const requestExtend = async (
  target: Target,
  extension: Extension,
  ctx: RequestContext,
): Promise<Outcome> => {
  const requestId = ctx.ports.newId();
  const checked = await checkTarget(target, ctx, requestId, 'extend');
  if (isOutcome(checked)) return checked;
  await ctx.ports.publisher.publish([
    {
      contract: ExtendRequested,
      data: {
        requestId,
        target,
        extension:
          extension.kind === 'overnight'
            ? { kind: 'overnight' }
            : { kind: 'duration', seconds: extension.seconds },
        requestedBy: ctx.actor,
        replyTo: replyToOf(ctx),
      },
      cause: { correlationId: checked.correlationId },
    },
  ]);
  const view = { now: ctx.ports.now(), nightly: ctx.settings.nightly };
  const lines = [
    extendAck(checked.label, extension, requestId, view),
    extension.kind === 'duration' && extension.capped
      ? cappedNote(extension.requestedSeconds, ctx.settings.maxTtlSeconds)
      : '',
  ];
  return {
    kind: 'published',
    message: notice(lines.filter(Boolean).join('\n')),
    detailType: ExtendRequested.detailType,
    correlationId: checked.correlationId,
  };
};
