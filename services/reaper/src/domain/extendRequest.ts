import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { branchOf } from '@branch-envs/shared/deployments/table';
import { ExpiryExtended } from '@branch-envs/shared/events/ExpiryExtended';
import type { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { realEnd } from '@branch-envs/shared/lifetime';
import type { OutgoingEvent } from '@branch-envs/shared/publish';
import { mayActOn } from './authorization';
import { collect } from './concurrency';
import { computeExtension } from './expiry';
import { describeTarget, type Refusal, refusals } from './messages/refusals';
import type { ReaperDeps } from './ports';
import { type RequestContext, refuse } from './refuse';
import { EXTENDED_STEP, entryOf, noteField } from './terminationNote';

type Data = ExtendRequested['data'];

export type ExtendOutcome =
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'extended'; deployIds: string[]; changedMeanwhile: string[] };

interface Applied {
  record: DeploymentRecord;
  capped: boolean;
}

/** Optimistic retries when a sweep or another extend changes the record between read and write. */
const MAX_ATTEMPTS = 3;

const extendOne = async (
  record: DeploymentRecord,
  data: Data,
  deps: ReaperDeps,
): Promise<Applied | undefined> => {
  let current: DeploymentRecord | undefined = record;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && current && isLive(current.status); attempt += 1) {
    const now = deps.clock();
    const result = computeExtension(current, data.extension, now, deps.policy);
    // Pressing [Extend] on a nightly warning leaves the nightly end where it was: no second warning.
    const end = realEnd(result, now, deps.policy.nightly);
    const updated = await deps.deployments.changeExpiry(current.deployId, {
      expectedExpiresAt: current.expiresAt,
      expiresAt: result.expiresAt,
      keepOvernight: result.keepOvernight,
      ...(current.expiryWarnedFor === end.at ? { expiryWarnedFor: end.at } : {}),
      step: EXTENDED_STEP,
      note: `request=${data.requestId} by=${data.requestedBy.userId} capped=${result.capped}`,
      at: now,
    });
    if (updated) return { record: updated, capped: result.capped };
    const fresh = await deps.deployments.get(current.deployId);
    current = fresh?.kind === 'deployment' ? fresh : undefined;
  }
  return undefined;
};

/** A record this request already extended (a re-run): answer again with what was applied. */
const alreadyApplied = (record: DeploymentRecord, requestId: string): Applied | undefined => {
  const entry = entryOf(record.history, EXTENDED_STEP, requestId);
  return entry ? { record, capped: noteField(entry.note, 'capped') === 'true' } : undefined;
};

const extendedEvent = (
  { record, capped }: Applied,
  data: Data,
  ctx: RequestContext,
): OutgoingEvent<typeof ExpiryExtended> => ({
  contract: ExpiryExtended,
  data: {
    deployId: record.deployId,
    branch: branchOf(record),
    expiresAt: record.expiresAt,
    keepOvernight: record.keepOvernight,
    capped,
    replyTo: data.replyTo,
  },
  cause: ctx.cause,
  key: record.deployId,
});

const targetRecords = async (target: Data['target'], deps: ReaperDeps): Promise<DeploymentRecord[]> => {
  if (target.kind === 'branch') return collect(deps.deployments.byBranch(target.branch));
  const item = await deps.deployments.get(target.deployId);
  return item?.kind === 'deployment' ? [item] : [];
};

const refusalFor = (
  records: readonly DeploymentRecord[],
  live: readonly DeploymentRecord[],
  data: Data,
): Refusal => {
  const what = describeTarget(data.target);
  const [only] = records;
  if (live.length > 0) return refusals.notOwner(what, live.length === 1 ? live[0]?.deployId : undefined);
  if (data.target.kind === 'deploy' && only?.status === 'REQUESTED')
    return refusals.notLaunched(what, only.deployId);
  if (data.target.kind === 'deploy' && only) return refusals.notLive(what, only.status, only.deployId);
  return refusals.notFound(what, data.target.kind === 'deploy' ? data.target.deployId : undefined);
};

/**
 * `/deploy extend <id|branch> <duration|overnight>`: owner or admin only, capped at the maximum
 * lifetime, and it resets the expiry warning (the new expiry gets its own). A re-run of the same
 * request finds its own history entry and does not extend twice.
 */
export const handleExtendRequested = async (
  detail: ExtendRequested,
  deps: ReaperDeps,
): Promise<ExtendOutcome> => {
  const { data, metadata } = detail;
  const ctx: RequestContext = {
    request: 'extend',
    requestId: data.requestId,
    actor: data.requestedBy.userId,
    replyTo: data.replyTo,
    cause: metadata,
  };
  const records = await targetRecords(data.target, deps);
  const done = records.flatMap((r) => alreadyApplied(r, data.requestId) ?? []);
  // A request still looking for its branch has only a provisional expiry: nothing to extend yet.
  const live = records.filter(
    (r) => isLive(r.status) && r.branch !== undefined && !done.some((d) => d.record.deployId === r.deployId),
  );
  const allowed = live.filter((r) => mayActOn(ctx.actor, r, deps.policy));
  if (allowed.length === 0 && done.length === 0) {
    const refusal = refusalFor(records, live, data);
    await refuse(refusal, ctx, deps);
    return { kind: 'refused', refusal };
  }
  const applied = [...done];
  const changedMeanwhile: string[] = [];
  for (const record of allowed) {
    const result = await extendOne(record, data, deps);
    if (result) applied.push(result);
    else changedMeanwhile.push(record.deployId);
  }
  if (applied.length === 0) {
    const refusal = refusals.endedMeanwhile(describeTarget(data.target), changedMeanwhile[0]);
    await refuse(refusal, ctx, deps);
    return { kind: 'refused', refusal };
  }
  await deps.publisher.publish(applied.map((a) => extendedEvent(a, data, ctx)));
  deps.telemetry.count('Extended', applied.length - done.length);
  return { kind: 'extended', deployIds: applied.map((a) => a.record.deployId), changedMeanwhile };
};
