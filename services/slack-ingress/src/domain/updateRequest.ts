import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import { mayActOn } from './authorization';
import { notice } from './blocks';
import type { Target } from './grammar';
import { replies } from './messages/replies';
import type { Outcome, RequestContext } from './ports';
import { replyToOf } from './requestRecord';
import { answered, labelOf, liveRecordsOf, refused } from './targets';
import { code } from './text';

/** `/deploy update` (ADR 0029): the refusals ingress can answer at once, and the acknowledgement. */
export const updateReplies = {
  several: (branch: string, ids: readonly string[], deployCommand: string): string =>
    `Branch ${code(branch)} has ${ids.length} environments you may update: ${ids.map((id) => code(id)).join(', ')}. ` +
    `Say which one: \`${deployCommand} update <id>\`.`,
  stillLaunching: (deployId: string, status: string): string =>
    `Deploy ${code(deployId)} is still launching (${status.toLowerCase()}); it can be updated once it is ready.`,
  failed: (deployId: string): string =>
    `Deploy ${code(deployId)} failed to start, so there is nothing to update; deploy the branch again instead.`,
  reseedWhileUpdating: (label: string, sha: string): string =>
    `An update of ${label} to ${code(sha)} is running. Ask for \`--reseed\` again once it has ended.`,
  ack: (label: string, running: string | undefined, reseed: boolean, requestId: string): string =>
    [
      `:arrows_counterclockwise: Updating ${label} in place to the newest build of its branch` +
        `${running ? ` (it runs ${code(running)} now)` : ''}… The deploy's message will say when it is done. (request ${code(requestId)})`,
      reseed ? 'Its database will be re-seeded from the dump: the data in it now is lost.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
  followsRunning: (sha: string): string =>
    `An update to ${code(sha)} is running; yours follows after it, with the newest build then.`,
};

const short = (sha: string | undefined): string | undefined => sha?.slice(0, 7);

/** The one live record the actor may update, or the answer that says why there is none. */
const updatableRecord = async (target: Target, ctx: RequestContext): Promise<DeploymentRecord | Outcome> => {
  const found = await liveRecordsOf(target, ctx);
  if (!Array.isArray(found)) return found;
  const allowed = found.filter((r) => mayActOn(ctx.role, ctx.actor.userId, r.owner.userId));
  if (allowed.length === 0) {
    const owners = [...new Set(found.map((r) => `<@${r.owner.userId}>`))].join(', ');
    return refused(replies.belongsTo(owners, 'update'));
  }
  const [only, ...others] = allowed as [DeploymentRecord, ...DeploymentRecord[]];
  if (others.length > 0 && target.kind === 'branch') {
    const ids = allowed.map((r) => r.deployId);
    return answered(updateReplies.several(target.branch, ids, ctx.settings.deployCommand));
  }
  if (only.status === 'FAILED') return answered(updateReplies.failed(only.deployId));
  if (only.status !== 'READY' || !only.branch)
    return answered(updateReplies.stillLaunching(only.deployId, only.status));
  return only;
};

const isRecord = (value: DeploymentRecord | Outcome): value is DeploymentRecord => 'deployId' in value;

/**
 * Pre-checks `/deploy update <id|branch> [--reseed]` for fast feedback (owner or admin, live,
 * ready, one environment meant) and publishes UpdateRequested for the provisioner's `update`
 * function, which finds the newest build and answers "already the newest" itself (UpdateRefused).
 */
export const requestUpdate = async (
  target: Target,
  reseed: boolean,
  ctx: RequestContext,
): Promise<Outcome> => {
  const found = await updatableRecord(target, ctx);
  if (!isRecord(found)) return found;
  const record = found;
  const running = record.update;
  if (running && reseed)
    return answered(updateReplies.reseedWhileUpdating(labelOf(record), short(running.build.headSha) ?? ''));
  const requestId = ctx.ports.newId();
  await ctx.ports.publisher.publish([
    {
      contract: UpdateRequested,
      data: {
        requestId,
        deployId: record.deployId,
        branch: record.branch as string,
        reseed,
        requestedBy: ctx.actor,
        replyTo: replyToOf(ctx),
      },
      cause: { correlationId: record.deployId },
    },
  ]);
  const ack = updateReplies.ack(labelOf(record), short(record.build?.headSha), reseed, requestId);
  const text = running ? `${ack}\n${updateReplies.followsRunning(short(running.build.headSha) ?? '')}` : ack;
  return {
    kind: 'published',
    message: notice(text),
    detailType: UpdateRequested.detailType,
    correlationId: record.deployId,
  };
};
