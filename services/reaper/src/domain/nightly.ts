import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import { scheduledCause } from './causes';
import { collect, settleWithLimit } from './concurrency';
import { isCurrentRun } from './nightlySchedule';
import type { ReaperDeps } from './ports';
import {
  assertComplete,
  type TerminationOrder,
  type TerminationReport,
  terminateDeployments,
} from './terminations';

export type NightlySummary =
  | { ran: false; scheduledTime: string; reason: 'late' }
  | { ran: true; report: TerminationReport; keptOvernight: number; itemsRead: number };

/**
 * The nightly shutdown (docs/architecture.md §6): every live deployment ends (reason `nightly`) unless it is
 * flagged keepOvernight. Pre-launch ones become TERMINATING for the provisioner. The flag covers
 * one night: the run that spares a deployment clears it. Live deployments are listed through the
 * status+expiresAt GSI with an unbounded range, one query per live status, never a Scan.
 *
 * `scheduledTime` is Scheduler's `<aws.scheduler.scheduled-time>`; a retry delivered after the
 * allowed lateness does nothing rather than end environments the next morning.
 */
export const runNightly = async (deps: ReaperDeps, scheduledTime?: Date): Promise<NightlySummary> => {
  const now = deps.clock();
  if (scheduledTime && !isCurrentRun(scheduledTime, now, deps.policy.nightlyMaxLatenessSeconds * 1000)) {
    deps.telemetry.count('NightlyRunSkippedLate');
    deps.log.warn('Skipping a nightly run delivered too late', {
      scheduledTime: scheduledTime.toISOString(),
    });
    return { ran: false, scheduledTime: scheduledTime.toISOString(), reason: 'late' };
  }
  const live = (
    await Promise.all(LIVE_STATUSES.map((status) => collect(deps.deployments.byStatus(status))))
  ).flat();
  const kept = live.filter((record) => record.keepOvernight);
  const orders: TerminationOrder[] = live
    .filter((record) => !record.keepOvernight)
    .map((record) => ({
      record,
      reason: 'nightly',
      cause: scheduledCause(record.deployId, 'terminate', now),
      replyTo: record.replyTo,
    }));
  const report = await terminateDeployments(orders, deps, { stillDue: (fresh) => !fresh.keepOvernight });
  const cleared = await settleWithLimit(kept, 16, (record) =>
    deps.deployments.clearKeepOvernight(record.deployId, now),
  );
  const clearErrors = cleared.flatMap((c) => (c.status === 'rejected' ? [c.reason] : []));

  deps.telemetry.count('KeptOvernight', kept.length);
  assertComplete(report.failed, [...report.errors, ...clearErrors]);
  return { ran: true, report, keptOvernight: kept.length, itemsRead: live.length };
};
