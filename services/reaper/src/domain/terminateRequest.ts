import { isLive, LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { isAdmin, mayActOn, terminationReasonFor } from './authorization';
import { collect } from './concurrency';
import { describeTarget, type Refusal, refusals } from './messages/refusals';
import type { ReaperDeps } from './ports';
import { type RequestContext, refuse } from './refuse';
import { handledBy, TERMINATING_STEP } from './terminationNote';
import { assertComplete, type TerminationReport, terminateDeployments } from './terminations';

type Target = TerminateRequested['data']['target'];

export type TerminateOutcome =
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'tombstoned'; placed: boolean }
  /** This request's work is already done (a re-run after the idempotency record expired). */
  | { kind: 'already_done' }
  | { kind: 'terminating'; report: TerminationReport };

type Selection =
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'already_done' }
  | { kind: 'selected'; live: DeploymentRecord[]; resumable: DeploymentRecord[] };

/**
 * What this request may act on among `records`, or why it may not. `what` names the target in a
 * refusal; `onNone` is the refusal when nothing is live.
 */
const select = (
  records: readonly DeploymentRecord[],
  ctx: RequestContext,
  deps: ReaperDeps,
  { what, onNone }: { what: string; onNone: () => Refusal },
): Selection => {
  const ours = (r: DeploymentRecord) => handledBy(r.history, TERMINATING_STEP, ctx.requestId);
  const resumable = records.filter((r) => r.status === 'TERMINATING' && ours(r));
  const live = records.filter((r) => isLive(r.status));
  if (live.length === 0 && resumable.length === 0) {
    const done = records.some((r) => r.status === 'TERMINATED' && ours(r));
    return done ? { kind: 'already_done' } : { kind: 'refused', refusal: onNone() };
  }
  const allowed = live.filter((r) => mayActOn(ctx.actor, r, deps.policy));
  if (allowed.length === 0 && resumable.length === 0) {
    return {
      kind: 'refused',
      refusal: refusals.notOwner(what, live.length === 1 ? live[0]?.deployId : undefined),
    };
  }
  return { kind: 'selected', live: allowed, resumable };
};

const everyLiveAndTerminating = async (deps: ReaperDeps): Promise<DeploymentRecord[]> =>
  (
    await Promise.all(
      [...LIVE_STATUSES, 'TERMINATING' as const].map((status) => collect(deps.deployments.byStatus(status))),
    )
  ).flat();

const selectTargets = async (
  target: Target,
  ctx: RequestContext,
  deps: ReaperDeps,
): Promise<Selection | { kind: 'tombstoned'; placed: boolean }> => {
  switch (target.kind) {
    case 'deploy': {
      const item = await deps.deployments.get(target.deployId);
      if (!item) return { kind: 'tombstoned', placed: false };
      if (item.kind === 'tombstone') return { kind: 'already_done' };
      const what = describeTarget(
        item.branch !== undefined
          ? { kind: 'branch', branch: item.branch }
          : { kind: 'deploy', deployId: item.deployId },
      );
      return select([item], ctx, deps, {
        what,
        onNone: () => refusals.notLive(what, item.status, item.deployId),
      });
    }
    case 'branch': {
      const what = describeTarget(target);
      const records = await collect(deps.deployments.byBranch(target.branch));
      return select(records, ctx, deps, { what, onNone: () => refusals.notFound(what) });
    }
    case 'mine': {
      const records = await collect(deps.deployments.byOwner(ctx.actor));
      return select(records, ctx, deps, { what: 'your environments', onNone: refusals.noneOfYours });
    }
    case 'all':
      if (!isAdmin(ctx.actor, deps.policy)) return { kind: 'refused', refusal: refusals.adminOnly() };
      return select(await everyLiveAndTerminating(deps), ctx, deps, {
        what: 'every environment',
        onNone: refusals.noneAtAll,
      });
  }
};

/**
 * `/terminate <id|branch|mine|all>` (docs/architecture.md §1): ownership enforced, refusals published, and
 * every write conditional, so a replay (or a second run of the same request) changes nothing.
 * A deployId with no record yet leaves a tombstone: the provisioner then launches nothing and
 * tells the user (conventions, "Who writes the deployments table").
 */
export const handleTerminateRequested = async (
  detail: TerminateRequested,
  deps: ReaperDeps,
): Promise<TerminateOutcome> => {
  const { data, metadata } = detail;
  const ctx: RequestContext = {
    request: 'terminate',
    requestId: data.requestId,
    actor: data.requestedBy.userId,
    replyTo: data.replyTo,
    cause: metadata,
  };
  let selection = await selectTargets(data.target, ctx, deps);
  if (selection.kind === 'tombstoned' && data.target.kind === 'deploy') {
    const { deployId } = data.target;
    if (await deps.deployments.putTombstone(deployId, data.requestedBy, deps.clock())) {
      deps.log.info('Left a tombstone for a deployment with no record yet', { deployId });
      return { kind: 'tombstoned', placed: true };
    }
    // The provisioner created the record between our read and the tombstone: act on the record.
    selection = await selectTargets(data.target, ctx, deps);
    if (selection.kind === 'tombstoned') return { kind: 'tombstoned', placed: false };
  }
  if (selection.kind === 'refused') {
    await refuse(selection.refusal, ctx, deps);
    return selection;
  }
  if (selection.kind !== 'selected') return { kind: 'already_done' };

  const order = (record: DeploymentRecord, resume: boolean) => ({
    record,
    reason: terminationReasonFor(ctx.actor, record),
    by: ctx.actor,
    requestId: ctx.requestId,
    cause: metadata,
    replyTo: data.replyTo,
    resume,
    ...(resume ? { closeWithoutInstance: false } : {}),
  });
  const report = await terminateDeployments(
    [...selection.live.map((r) => order(r, false)), ...selection.resumable.map((r) => order(r, true))],
    deps,
  );
  assertComplete(report.failed, report.errors);
  return { kind: 'terminating', report };
};
