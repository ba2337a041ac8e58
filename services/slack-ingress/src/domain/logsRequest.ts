import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { type LogKind, LogsRequested } from '@branch-envs/shared/events/LogsRequested';
import { mayActOn } from './authorization';
import { notice } from './blocks';
import type { Target } from './grammar';
import { replies } from './messages/replies';
import type { Outcome, RequestContext } from './ports';
import { replyToOf } from './requestRecord';
import { labelOf } from './targets';
import { code } from './text';

/**
 * `/deploy logs` and [Logs] (ADR 0030). Ingress is where this is decided: it has the admin list and
 * reads the record, so a non-owner is refused here and nothing is published; the rate limit is
 * counted per user before the request goes out. The provisioner checks the owner once more.
 */

export interface LogsCommand {
  target: Target;
  logKind: LogKind;
  lines: number;
}

const answered = (text: string): Outcome => ({ kind: 'answered', message: notice(text) });
const refused = (text: string): Outcome => ({ kind: 'refused', message: notice(text) });

type Found = { record: DeploymentRecord } | { outcome: Outcome };

/** The one live deployment meant: the id's record, or the branch's newest live one. */
const recordOf = async (target: Target, ctx: RequestContext): Promise<Found> => {
  const { deployments } = ctx.ports;
  if (target.kind === 'branch') {
    const [newest] = (await deployments.byBranch(target.branch, 25)).filter((r) => isLive(r.status));
    return newest
      ? { record: newest }
      : { outcome: answered(replies.nothingRunningForBranch(target.branch)) };
  }
  const item = await deployments.get(target.deployId);
  if (!item) return { outcome: answered(replies.deployNotFound(target.deployId)) };
  if (item.kind === 'tombstone')
    return { outcome: answered(replies.alreadyBeingTerminated(target.deployId)) };
  if (!isLive(item.status)) return { outcome: answered(logsReplies.ended(target.deployId, item.status)) };
  return { record: item };
};

export const logsReplies = {
  ended: (deployId: string, status: string): string =>
    `Deploy ${code(deployId)} is ${status.toLowerCase()}; its instance is gone, so there are no logs to read.`,
  noInstance: (deployId: string): string =>
    `Deploy ${code(deployId)} has no instance yet; ask for its logs once it is launching.`,
  rateLimited: (perMinute: number, retryAfterSeconds: number): string =>
    `:hourglass: You asked for logs ${perMinute} times in the last minute, the most there is. ` +
    `Try again in ${retryAfterSeconds} s.`,
  collecting: (what: string, label: string, lines: number, requestId: string): string =>
    `:scroll: Collecting the last ${lines} lines of ${what} of ${label}; they will appear here ` +
    `in a few seconds, with secrets redacted. (request ${code(requestId)})`,
};

export const requestLogs = async (command: LogsCommand, ctx: RequestContext): Promise<Outcome> => {
  const found = await recordOf(command.target, ctx);
  if ('outcome' in found) return found.outcome;
  const { record } = found;
  if (!mayActOn(ctx.role, ctx.actor.userId, record.owner.userId))
    return refused(replies.belongsTo(`<@${record.owner.userId}>`, 'read the logs of'));
  if (!record.instanceId) return answered(logsReplies.noInstance(record.deployId));
  const limiter = ctx.ports.logsLimiter;
  if (limiter) {
    const verdict = await limiter.take(ctx.actor.userId, ctx.ports.now());
    if (!verdict.allowed) return refused(logsReplies.rateLimited(verdict.limit, verdict.retryAfterSeconds));
  }
  const requestId = ctx.ports.newId();
  await ctx.ports.publisher.publish([
    {
      contract: LogsRequested,
      data: {
        requestId,
        deployId: record.deployId,
        kind: command.logKind,
        lines: command.lines,
        requestedBy: ctx.actor,
        authorizedAs: ctx.actor.userId === record.owner.userId ? 'owner' : 'admin',
        replyTo: replyToOf(ctx),
      },
      cause: { correlationId: record.deployId },
    },
  ]);
  const what = command.logKind === 'app' ? "the app's journal" : 'the boot log';
  return {
    kind: 'published',
    message: notice(logsReplies.collecting(what, labelOf(record), command.lines, requestId)),
    detailType: LogsRequested.detailType,
    correlationId: record.deployId,
    keepOriginal: true,
  };
};
