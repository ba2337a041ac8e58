import { scheduledCause } from './causes';
import { collect } from './concurrency';
import type { ReaperDeps } from './ports';
import { rejectStaleRequests } from './staleRequests';
import { lastNoteOf, lastStepAt, TERMINATING_STEP } from './terminationNote';
import {
  assertComplete,
  type TerminationOrder,
  type TerminationReport,
  terminateDeployments,
} from './terminations';
import { sweepWindow, warnExpiring } from './warnings';

export interface SweepSummary {
  expired: TerminationReport;
  resumed: TerminationReport;
  warned: number;
  /** REQUESTED records past the request age limit, told and ended (ADR 0018). */
  staleRejected: number;
  /** Items the GSI queries returned: grows with what is expiring, not with the table. */
  itemsRead: number;
}

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** TERMINATING records whose claimer has had its grace period: the sweep finishes them. */
const stalledTerminations = async (deps: ReaperDeps, now: Date) => {
  const cutoff = now.getTime() - deps.policy.terminatingGraceSeconds * 1000;
  const terminating = await collect(deps.deployments.byStatus('TERMINATING'));
  const orders = terminating
    .filter((record) => lastStepAt(record.history) <= cutoff)
    .map((record) => {
      const note = lastNoteOf(record.history, TERMINATING_STEP);
      return {
        record,
        reason: note.reason ?? 'user',
        by: note.by,
        requestId: note.requestId,
        cause: scheduledCause(record.deployId, 'terminate', now),
        replyTo: record.replyTo,
        resume: true,
        closeWithoutInstance: true,
      } satisfies TerminationOrder;
    });
  return { orders, itemsRead: terminating.length };
};

/**
 * The every-minute TTL sweep (docs/architecture.md §6): terminate what has expired, finish stalled terminations,
 * warn what ends within the warning window, by its expiry or by the nightly run (ADR 0012), and end requests
 * that never reached the resolver (ADR 0018). Reads only the GSI ranges it needs, never a Scan.
 */
export const runSweep = async (deps: ReaperDeps): Promise<SweepSummary> => {
  const now = deps.clock();
  const nowSeconds = epochSeconds(now);
  const { itemsRead, expired, warnings: due } = await sweepWindow(deps, now);
  const stalled = await stalledTerminations(deps, now);

  const orders: TerminationOrder[] = expired.map((record) => ({
    record,
    reason: 'ttl',
    cause: scheduledCause(record.deployId, 'terminate', now),
    replyTo: record.replyTo,
  }));
  const expiredReport = await terminateDeployments(orders, deps, {
    stillDue: (fresh) => fresh.expiresAt <= nowSeconds,
  });
  const resumedReport = await terminateDeployments(stalled.orders, deps);
  const warnings = await warnExpiring(due, deps, now);
  const stale = await rejectStaleRequests(deps, now);

  assertComplete(expiredReport.failed + resumedReport.failed, [
    ...expiredReport.errors,
    ...resumedReport.errors,
    ...warnings.errors,
    ...stale.errors,
  ]);
  return {
    expired: expiredReport,
    resumed: resumedReport,
    warned: warnings.warned,
    staleRejected: stale.rejected,
    itemsRead: itemsRead + stalled.itemsRead + stale.itemsRead,
  };
};
