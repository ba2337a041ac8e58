import { rejectRequested } from '@branch-envs/shared/deployments/requestRecords';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { DeployRejected } from '@branch-envs/shared/events/DeployRejected';
import type { OutgoingEvent } from '@branch-envs/shared/publish';
import { scheduledCause } from './causes';
import { chunk, collect, settleWithLimit } from './concurrency';
import type { ReaperDeps } from './ports';

/** The step a stale request's record ends with, in its history. */
export const STALE_REQUEST_STEP = 'request lost';

const ageSecondsOf = (record: DeploymentRecord, now: Date): number =>
  Math.max(0, Math.floor((now.getTime() - Date.parse(record.createdAt)) / 1000));

const reasonOf = (record: DeploymentRecord, now: Date) => ({
  code: 'expired_request' as const,
  ageSeconds: ageSecondsOf(record, now),
});

const rejectedEvent = (record: DeploymentRecord, now: Date): OutgoingEvent<typeof DeployRejected> => ({
  contract: DeployRejected,
  data: {
    deployId: record.deployId,
    query: record.query,
    reason: reasonOf(record, now),
    owner: record.owner,
    replyTo: record.replyTo,
  },
  cause: scheduledCause(record.deployId, 'reject:stale-request', now),
  key: record.deployId,
});

/**
 * REQUESTED records no resolver will move on any more (issue 17's chaos run: ingress wrote the record,
 * then died or timed out before its DeployRequested was published). The resolver answers any request
 * older than `maxRequestAgeSeconds` "expired", and only a terminate moves a REQUESTED record on
 * otherwise; past that age plus `staleRequestGraceSeconds` (a resolution that passed the age check
 * just in time has finished by then), the sweep tells the user the request waited too long and
 * nothing was launched, then ends the record `REQUESTED → REJECTED`. Publishing first means a failed
 * publish leaves the record for the next sweep; the derived eventId makes the repeat harmless.
 */
export const rejectStaleRequests = async (deps: ReaperDeps, now: Date) => {
  const { maxRequestAgeSeconds, staleRequestGraceSeconds } = deps.policy;
  const cutoff = now.getTime() - (maxRequestAgeSeconds + staleRequestGraceSeconds) * 1000;
  const requested = await collect(deps.deployments.byStatus('REQUESTED'));
  const stale = requested.filter((record) => Date.parse(record.createdAt) <= cutoff);
  const errors: unknown[] = [];
  let rejected = 0;
  for (const batch of chunk(stale, 10)) {
    try {
      await deps.publisher.publish(batch.map((record) => rejectedEvent(record, now)));
    } catch (error) {
      errors.push(error);
      continue;
    }
    const ended = await settleWithLimit(batch, 16, (record) =>
      rejectRequested(deps.deployments, record.deployId, {
        step: STALE_REQUEST_STEP,
        note: 'expired_request',
        at: now,
        rejection: reasonOf(record, now),
      }),
    );
    for (const end of ended) {
      if (end.status === 'rejected') errors.push(end.reason);
      else if (end.value) rejected += 1;
    }
  }
  deps.telemetry.count('StaleRequestsRejected', rejected);
  return { rejected, itemsRead: requested.length, errors };
};
