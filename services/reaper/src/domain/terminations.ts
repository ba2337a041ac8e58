import { LIVE_STATUSES, PRE_LAUNCH_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import type { ReplyTo } from '@branch-envs/shared/events/common';
import { InstanceTerminated } from '@branch-envs/shared/events/InstanceTerminated';
import { InstanceTerminatedV2 } from '@branch-envs/shared/events/InstanceTerminated.v2';
import {
  InstanceTerminatedV3,
  type TerminationReasonV3,
} from '@branch-envs/shared/events/InstanceTerminated.v3';
import type { Cause, OutgoingEvent } from '@branch-envs/shared/publish';
import { ReaperIncompleteError } from '../errors';
import { chunk, settleWithLimit } from './concurrency';
import type { ReaperDeps, TerminationOutcome } from './ports';
import { formatNote, TERMINATED_STEP, TERMINATING_STEP } from './terminationNote';

/** Parallel conditional writes per run: enough to hide DynamoDB latency, far below its limits. */
const WRITE_CONCURRENCY = 16;
/** EventBridge's PutEvents limit; publishing and closing go together per chunk. */
const EVENTS_PER_CHUNK = 10;

export interface TerminationOrder {
  record: DeploymentRecord;
  reason: TerminationReasonV3;
  /** The pull request whose end ends it (`pr_merged`, `pr_closed`). */
  prNumber?: number;
  /** Who asked, for `user` and `admin`. */
  by?: string;
  requestId?: string;
  /** The incoming event's metadata, or a scheduled cause (derived ids either way). */
  cause: Cause;
  replyTo: ReplyTo;
  /**
   * The record is already TERMINATING by this order's own earlier attempt (or, for the sweep, long
   * enough that whoever claimed it has stopped): skip the claim and carry on.
   */
  resume?: boolean;
  /** Close a record without an instance at once, rather than leave it to the provisioner. */
  closeWithoutInstance?: boolean;
}

export interface TerminationReport {
  claimed: number;
  /** Moved to TERMINATED, with InstanceTerminated published. */
  closed: number;
  instancesTerminated: number;
  /** Pre-launch records left TERMINATING for the provisioner (docs/architecture.md §3). */
  handedToProvisioner: number;
  /** Lost a conditional write (extended, already ending, or ended meanwhile); nothing done. */
  skipped: number;
  /** Left TERMINATING by an error; the first error is in `errors`, and the sweep retries them. */
  failed: number;
  errors: unknown[];
}

export interface TerminationOptions {
  /** Re-checked on a consistent read just before the claims (the GSI may lag an extend). */
  stillDue?: (fresh: DeploymentRecord) => boolean;
  /** The caller has just seen that these records' instances no longer exist: close, touch no instance. */
  instancesGone?: boolean;
}

/**
 * Re-reads the orders' records (consistent, in batches) and keeps those still due: the GSI they
 * came from is eventually consistent and may not show an extend that just happened.
 */
const stillDue = async (
  orders: readonly TerminationOrder[],
  deps: ReaperDeps,
  due: (fresh: DeploymentRecord) => boolean,
): Promise<TerminationOrder[]> => {
  const { found } = await deps.deployments.getMany(orders.map((o) => o.record.deployId));
  return orders.flatMap((order) => {
    const fresh = found.get(order.record.deployId);
    return fresh?.kind === 'deployment' && LIVE_STATUSES.includes(fresh.status) && due(fresh)
      ? [{ ...order, record: fresh }]
      : [];
  });
};

const claim = async (order: TerminationOrder, deps: ReaperDeps) => {
  if (order.resume) return order;
  try {
    const record = await deps.deployments.transition(order.record.deployId, {
      to: 'TERMINATING',
      from: LIVE_STATUSES,
      step: TERMINATING_STEP,
      note: formatNote(order),
      at: deps.clock(),
    });
    const closeWithoutInstance =
      order.closeWithoutInstance ?? !PRE_LAUNCH_STATUSES.includes(order.record.status);
    return { ...order, record, closeWithoutInstance };
  } catch (error) {
    if (error instanceof TransitionConflictError) return undefined;
    throw error;
  }
};

const terminatedData = (order: TerminationOrder) => ({
  deployId: order.record.deployId,
  branch: order.record.branch ?? null,
  instanceId: order.record.instanceId ?? null,
  ...(order.by ? { terminatedBy: order.by } : {}),
  owner: order.record.owner,
  replyTo: order.replyTo,
});

type TerminatedEvent =
  | OutgoingEvent<typeof InstanceTerminated>
  | OutgoingEvent<typeof InstanceTerminatedV2>
  | OutgoingEvent<typeof InstanceTerminatedV3>;

/**
 * v1 for every reason it knows; v2 for a pull request's end, v3 for a Spot interruption: the
 * oldest version that can say the reason, so consumers not yet on v3 still get the others.
 */
const terminatedEvent = (order: TerminationOrder): TerminatedEvent => {
  const { reason } = order;
  const envelope = { cause: order.cause, key: order.record.deployId };
  if (reason === 'spot_interrupted') {
    return { contract: InstanceTerminatedV3, data: { ...terminatedData(order), reason }, ...envelope };
  }
  if (reason === 'pr_merged' || reason === 'pr_closed') {
    const prNumber = order.prNumber ?? order.record.prNumber;
    const data = { ...terminatedData(order), reason, ...(prNumber ? { prNumber } : {}) };
    return { contract: InstanceTerminatedV2, data, ...envelope };
  }
  return { contract: InstanceTerminated, data: { ...terminatedData(order), reason }, ...envelope };
};

const close = async (orders: readonly TerminationOrder[], deps: ReaperDeps) => {
  let closed = 0;
  let failed = 0;
  const errors: unknown[] = [];
  for (const batch of chunk(orders, EVENTS_PER_CHUNK)) {
    try {
      // Publish first: a crash before the close leaves the record TERMINATING, and the retry
      // re-publishes the same derived eventIds, which consumers drop.
      await deps.publisher.publish(batch.map(terminatedEvent));
    } catch (error) {
      errors.push(error);
      failed += batch.length;
      continue;
    }
    const results = await settleWithLimit(batch, WRITE_CONCURRENCY, (order) =>
      deps.deployments.transition(order.record.deployId, {
        to: 'TERMINATED',
        from: ['TERMINATING'],
        step: TERMINATED_STEP,
        note: formatNote(order),
        at: deps.clock(),
      }),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') closed += 1;
      else if (!(result.reason instanceof TransitionConflictError)) {
        errors.push(result.reason);
        failed += 1;
      }
    }
  }
  return { closed, failed, errors };
};

const noteUnownedInstance = (order: TerminationOrder, outcome: TerminationOutcome, deps: ReaperDeps) => {
  deps.telemetry.count(
    outcome === 'untagged' ? 'RecordNamesUntaggedInstance' : 'RecordNamesOtherDeployInstance',
  );
  deps.log.warn(
    'Closing a record whose instance is not a managed instance of this deployment; instance left alone',
    {
      deployId: order.record.deployId,
      instanceId: order.record.instanceId,
      outcome,
    },
  );
};

type NextStep = 'close' | 'provisioner' | 'failed';

/** What a claimed order needs next, given what happened to its instance. */
const nextStep = (order: TerminationOrder, outcome: TerminationOutcome | undefined): NextStep => {
  if (!order.record.instanceId) return order.closeWithoutInstance ? 'close' : 'provisioner';
  return outcome === undefined || outcome === 'failed' ? 'failed' : 'close';
};

/** Splits claimed orders by what their instance's termination says should happen next. */
const afterTermination = (
  claimed: readonly TerminationOrder[],
  outcomes: Map<string, TerminationOutcome>,
  deps: ReaperDeps,
) => {
  const steps = claimed.map((order) => {
    const outcome = order.record.instanceId ? outcomes.get(order.record.instanceId) : undefined;
    if (outcome === 'untagged' || outcome === 'mismatch') noteUnownedInstance(order, outcome, deps);
    return { order, step: nextStep(order, outcome) };
  });
  return {
    closable: steps.filter((s) => s.step === 'close').map((s) => s.order),
    handedToProvisioner: steps.filter((s) => s.step === 'provisioner').length,
    failed: steps.filter((s) => s.step === 'failed').length,
  };
};

/**
 * Ends deployments in three steps, each safe to repeat: claim (conditional → TERMINATING, so a
 * replay or a second sweep finds nothing to do), terminate the instances that are provably ours
 * (tag-checked, batched), then publish InstanceTerminated and close (→ TERMINATED). Anything that
 * fails stays TERMINATING, and the sweep finishes it after the grace period.
 */
export const terminateDeployments = async (
  orders: readonly TerminationOrder[],
  deps: ReaperDeps,
  options: TerminationOptions = {},
): Promise<TerminationReport> => {
  const due = options.stillDue && orders.length > 0 ? await stillDue(orders, deps, options.stillDue) : orders;
  const claims = await settleWithLimit(due, WRITE_CONCURRENCY, (order) => claim(order, deps));
  const claimed = claims.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  const claimErrors = claims.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));

  const candidates = claimed.flatMap(({ record }) =>
    record.instanceId ? [{ instanceId: record.instanceId, deployId: record.deployId }] : [],
  );
  const outcomes =
    options.instancesGone || candidates.length === 0
      ? new Map<string, TerminationOutcome>(candidates.map((c) => [c.instanceId, 'gone']))
      : await deps.fleet.terminateManaged(candidates);
  const { closable, handedToProvisioner, failed } = afterTermination(claimed, outcomes, deps);
  const closing = await close(closable, deps);

  const report: TerminationReport = {
    claimed: claimed.filter((o) => !o.resume).length,
    closed: closing.closed,
    instancesTerminated: [...outcomes.values()].filter((o) => o === 'terminated').length,
    handedToProvisioner,
    skipped: orders.length - claimed.length - claimErrors.length,
    failed: failed + claimErrors.length + closing.failed,
    errors: [...claimErrors, ...closing.errors],
  };
  deps.telemetry.count('InstancesTerminated', report.instancesTerminated);
  deps.telemetry.count('DeploymentsClosed', report.closed);
  return report;
};

/** Throws when any part of a run failed, after all of it ran, so retries and alarms see it. */
export const assertComplete = (failed: number, errors: readonly unknown[]): void => {
  if (failed > 0 || errors.length > 0)
    throw new ReaperIncompleteError(Math.max(failed, errors.length), { cause: errors[0] });
};
