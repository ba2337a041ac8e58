import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { branchOf } from '@branch-envs/shared/deployments/table';
import { InstanceExpiringV2 } from '@branch-envs/shared/events/InstanceExpiring.v2';
import { type RealEnd, realEnd } from '@branch-envs/shared/lifetime';
import { nextNightlyRun } from '@branch-envs/shared/nightlySchedule';
import type { OutgoingEvent } from '@branch-envs/shared/publish';
import { z } from 'zod';
import { scheduledCause } from './causes';
import { chunk, collect, settleWithLimit } from './concurrency';
import type { ReaperDeps } from './ports';

/** Statuses with an instance someone may want to keep; the ones that get a warning. */
const WARNED_STATUSES = new Set(['RUNNING', 'READY', 'FAILED']);

const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

export interface Warning {
  record: DeploymentRecord;
  end: RealEnd;
}

/**
 * The records the sweep looks at: up to the end of the warning window on the status+expiresAt GSI;
 * in the window before a nightly run, every live record, since that run ends them whatever their
 * expiry. The cost grows with what ends soon: before the nightly run, that is everything live.
 */
export const sweepWindow = async (deps: ReaperDeps, now: Date) => {
  const nowSeconds = epochSeconds(now);
  const until = nowSeconds + deps.policy.warnBeforeSeconds;
  const nightlySoon = epochSeconds(nextNightlyRun(now, deps.policy.nightly)) <= until;
  const pages = await Promise.all(
    LIVE_STATUSES.map((status) =>
      collect(nightlySoon ? deps.deployments.byStatus(status) : deps.deployments.expiringBy(status, until)),
    ),
  );
  const records = pages.flat();
  return {
    itemsRead: records.length,
    expired: records.filter((r) => r.expiresAt <= nowSeconds),
    warnings: warningsDue(records, now, deps),
  };
};

/**
 * One warning per real end (ADR 0012): the earlier of the expiry and the nightly run that ends it,
 * when it falls in the warning window and the owner was not yet warned about that very end.
 */
const warningsDue = (records: readonly DeploymentRecord[], now: Date, deps: ReaperDeps): Warning[] => {
  const nowSeconds = epochSeconds(now);
  const until = nowSeconds + deps.policy.warnBeforeSeconds;
  return records.flatMap((record) => {
    if (record.expiresAt <= nowSeconds || !WARNED_STATUSES.has(record.status)) return [];
    const end = realEnd(record, now, deps.policy.nightly);
    return end.at <= until && record.expiryWarnedFor !== end.at ? [{ record, end }] : [];
  });
};

/** The contract wants a URL; a record's url is free text, so an odd one is left out, not fatal. */
const validUrl = (url: string | undefined): string | undefined =>
  z.url().safeParse(url).success ? url : undefined;

/** The TTL warning keeps the decision key v1 used, so a replayed sweep derives the same eventId. */
const decisionOf = ({ cause, at }: RealEnd): string =>
  cause === 'ttl' ? `warn:${at}` : `warn:nightly:${at}`;

const expiringEvent = ({ record, end }: Warning, now: Date): OutgoingEvent<typeof InstanceExpiringV2> => {
  const url = validUrl(record.url);
  return {
    contract: InstanceExpiringV2,
    data: {
      deployId: record.deployId,
      branch: branchOf(record),
      ...(url ? { url } : {}),
      endsAt: end.at,
      reason: end.cause,
      expiresAt: record.expiresAt,
      owner: record.owner,
      replyTo: record.replyTo,
    },
    cause: scheduledCause(record.deployId, decisionOf(end), now),
    key: record.deployId,
  };
};

/**
 * One InstanceExpiring per real end: the conditional `expiryWarnedFor = <end>` picks one sweep, and
 * only that sweep publishes. If the publish fails, the mark is undone so the next sweep tries
 * again; the derived eventId makes a partly published retry harmless.
 */
export const warnExpiring = async (warnings: readonly Warning[], deps: ReaperDeps, now: Date) => {
  const marks = await settleWithLimit(warnings, 16, ({ record, end }) =>
    deps.deployments.markWarned(record.deployId, record.expiresAt, end.at),
  );
  const errors = marks.flatMap((m) => (m.status === 'rejected' ? [m.reason] : []));
  const won = warnings.filter((_, i) => {
    const mark = marks[i];
    return mark?.status === 'fulfilled' && mark.value;
  });
  let warned = 0;
  for (const batch of chunk(won, 10)) {
    try {
      await deps.publisher.publish(batch.map((warning) => expiringEvent(warning, now)));
      warned += batch.length;
    } catch (error) {
      errors.push(error);
      await settleWithLimit(batch, 16, (w) => deps.deployments.unmarkWarned(w.record.deployId, w.end.at));
    }
  }
  deps.telemetry.count('ExpiryWarnings', warned);
  deps.telemetry.count('NightlyWarnings', won.filter((w) => w.end.cause === 'nightly').length);
  return { warned, errors };
};
