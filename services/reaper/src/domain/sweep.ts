import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { branchOf } from '@branch-envs/shared/deployments/table';
import { InstanceExpiring } from '@branch-envs/shared/events/InstanceExpiring';
import type { OutgoingEvent } from '@branch-envs/shared/publish';
import { z } from 'zod';
import { scheduledCause } from './causes';
import { chunk, collect, settleWithLimit } from './concurrency';
import type { ReaperDeps } from './ports';
import { lastNoteOf, lastStepAt, TERMINATING_STEP } from './terminationNote';
import {
  assertComplete,
  type TerminationOrder,
  type TerminationReport,
  terminateDeployments,
} from './terminations';

/** Statuses with an instance someone may want to keep; the ones that get an expiry warning. */
const WARNED_STATUSES = new Set(['RUNNING', 'READY', 'FAILED']);

export interface SweepSummary {
  expired: TerminationReport;
  resumed: TerminationReport;
  warned: number;
  /** Items the GSI queries returned: grows with what is expiring, not with the table. */
  itemsRead: number;
}

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** One GSI query per live status, up to the end of the warning window. */
const window = async (deps: ReaperDeps, nowSeconds: number) => {
  const until = nowSeconds + deps.policy.warnBeforeSeconds;
  const pages = await Promise.all(
    LIVE_STATUSES.map((status) => collect(deps.deployments.expiringBy(status, until))),
  );
  const records = pages.flat();
  return {
    itemsRead: records.length,
    expired: records.filter((r) => r.expiresAt <= nowSeconds),
    expiring: records.filter(
      (r) => r.expiresAt > nowSeconds && WARNED_STATUSES.has(r.status) && r.expiryWarnedFor !== r.expiresAt,
    ),
  };
};

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

/** The contract wants a URL; a record's url is free text, so an odd one is left out, not fatal. */
const validUrl = (url: string | undefined): string | undefined =>
  z.url().safeParse(url).success ? url : undefined;

const expiringEvent = (record: DeploymentRecord, now: Date): OutgoingEvent<typeof InstanceExpiring> => {
  const url = validUrl(record.url);
  return {
    contract: InstanceExpiring,
    data: {
      deployId: record.deployId,
      branch: branchOf(record),
      ...(url ? { url } : {}),
      expiresAt: record.expiresAt,
      owner: record.owner,
      replyTo: record.replyTo,
    },
    cause: scheduledCause(record.deployId, `warn:${record.expiresAt}`, now),
    key: record.deployId,
  };
};

/**
 * One InstanceExpiring per expiry: the conditional `expiryWarnedFor = expiresAt` picks one sweep,
 * and only that sweep publishes. If the publish fails, the mark is undone so the next sweep tries
 * again; the derived eventId makes a partly published retry harmless.
 */
export const warnExpiring = async (records: readonly DeploymentRecord[], deps: ReaperDeps, now: Date) => {
  const marks = await settleWithLimit(records, 16, (r) =>
    deps.deployments.markWarned(r.deployId, r.expiresAt),
  );
  const errors = marks.flatMap((m) => (m.status === 'rejected' ? [m.reason] : []));
  const won = records.filter((_, i) => {
    const mark = marks[i];
    return mark?.status === 'fulfilled' && mark.value;
  });
  let warned = 0;
  for (const batch of chunk(won, 10)) {
    try {
      await deps.publisher.publish(batch.map((record) => expiringEvent(record, now)));
      warned += batch.length;
    } catch (error) {
      errors.push(error);
      await settleWithLimit(batch, 16, (r) => deps.deployments.unmarkWarned(r.deployId, r.expiresAt));
    }
  }
  deps.telemetry.count('ExpiryWarnings', warned);
  return { warned, errors };
};

/**
 * The every-minute TTL sweep (docs/architecture.md §6): terminate what has expired, finish stalled terminations,
 * warn what expires within the warning window. Reads only the GSI ranges it needs, never a Scan.
 */
export const runSweep = async (deps: ReaperDeps): Promise<SweepSummary> => {
  const now = deps.clock();
  const nowSeconds = epochSeconds(now);
  const { itemsRead, expired, expiring } = await window(deps, nowSeconds);
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
  const warnings = await warnExpiring(expiring, deps, now);

  assertComplete(expiredReport.failed + resumedReport.failed, [
    ...expiredReport.errors,
    ...resumedReport.errors,
    ...warnings.errors,
  ]);
  return {
    expired: expiredReport,
    resumed: resumedReport,
    warned: warnings.warned,
    itemsRead: itemsRead + stalled.itemsRead,
  };
};
