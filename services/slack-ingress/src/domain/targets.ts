import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { mayActOn } from './authorization';
import { notice } from './blocks';
import type { Target } from './grammar';
import { replies } from './messages/replies';
import type { Outcome, RequestContext } from './ports';
import { code } from './text';

/** The live records a terminate or extend is about, once the actor may act on at least one. */
export interface CheckedTarget {
  /** The deployId when exactly one deployment is meant, else the request id (docs/architecture.md §2). */
  correlationId: string;
  label: string;
}

export const answered = (text: string): Outcome => ({ kind: 'answered', message: notice(text) });
export const refused = (text: string): Outcome => ({ kind: 'refused', message: notice(text) });

/** How a reply names one deployment: "deploy `id` (`branch`)". */
export const labelOf = (record: DeploymentRecord): string =>
  `deploy ${code(record.deployId)}${record.branch ? ` (${code(record.branch)})` : ''}`;

export const liveRecordsOf = async (
  target: Target,
  ctx: RequestContext,
): Promise<DeploymentRecord[] | Outcome> => {
  const { deployments } = ctx.ports;
  if (target.kind === 'branch') {
    const records = (await deployments.byBranch(target.branch, 25)).filter((r) => isLive(r.status));
    return records.length > 0 ? records : answered(replies.nothingRunningForBranch(target.branch));
  }
  const item = await deployments.get(target.deployId);
  if (!item) return answered(replies.deployNotFound(target.deployId));
  if (item.kind === 'tombstone') return answered(replies.alreadyBeingTerminated(target.deployId));
  if (!isLive(item.status)) {
    return answered(replies.alreadyEnded(target.deployId, item.status));
  }
  return [item];
};

/**
 * Ownership pre-check for terminate and extend: fast feedback only, since the reaper enforces it
 * again. A non-admin is refused unless they own at least one of the live records meant; the reaper
 * then acts only on the ones they own.
 */
export const checkTarget = async (
  target: Target,
  ctx: RequestContext,
  requestId: string,
  verb: string,
): Promise<CheckedTarget | Outcome> => {
  const found = await liveRecordsOf(target, ctx);
  if (!Array.isArray(found)) return found;
  if (verb === 'extend' && found.every((r) => r.status === 'REQUESTED')) {
    return answered(replies.stillLookingForBranch);
  }
  const allowed = found.filter((r) => mayActOn(ctx.role, ctx.actor.userId, r.owner.userId));
  if (allowed.length === 0) {
    const owners = [...new Set(found.map((r) => `<@${r.owner.userId}>`))].join(', ');
    return refused(replies.belongsTo(owners, verb));
  }
  const [only] = found;
  const label =
    target.kind === 'deploy'
      ? `deploy ${code(target.deployId)}${only?.branch !== undefined ? ` (${code(only.branch)})` : ''}`
      : `branch ${code(target.branch)}`;
  return {
    correlationId: found.length === 1 && only ? only.deployId : requestId,
    label,
  };
};

export const isOutcome = (value: CheckedTarget | Outcome): value is Outcome => 'kind' in value;
