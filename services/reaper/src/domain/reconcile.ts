import { isLive, LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { Ulid } from '@branch-envs/shared/envelope';
import { InstanceTerminated } from '@branch-envs/shared/events/InstanceTerminated';
import type { OutgoingEvent } from '@branch-envs/shared/publish';
import { scheduledCause } from './causes';
import { chunk, collect } from './concurrency';
import type { ManagedInstance, ReaperDeps } from './ports';
import { lastStepAt } from './terminationNote';
import { assertComplete, type TerminationReport, terminateDeployments } from './terminations';

export interface ReconcileSummary {
  managedInstances: number;
  orphansTerminated: number;
  /** Orphans without a valid DeployId tag: terminated, logged and counted, but no event. */
  orphansUnreported: number;
  instanceGone: TerminationReport;
}

/**
 * An instance belongs to a deployment when its DeployId names a record that is live or still
 * TERMINATING, and that record names no other instance. A record still launching has no
 * instanceId yet; its instance is its own.
 */
const isOwnedBy = (item: DeploymentItem | undefined, instance: ManagedInstance): boolean =>
  item?.kind === 'deployment' &&
  (isLive(item.status) || item.status === 'TERMINATING') &&
  (item.instanceId === undefined || item.instanceId === instance.instanceId);

const orphanEvent = (
  instance: ManagedInstance,
  deployId: string,
  now: Date,
): OutgoingEvent<typeof InstanceTerminated> => ({
  contract: InstanceTerminated,
  data: { deployId, branch: instance.branch ?? null, instanceId: instance.instanceId, reason: 'orphan' },
  cause: scheduledCause(deployId, `orphan:${instance.instanceId}`, now),
  key: instance.instanceId,
});

const terminateOrphans = async (orphans: readonly ManagedInstance[], deps: ReaperDeps, now: Date) => {
  const outcomes = await deps.fleet.terminateManaged(
    orphans.map((o) => ({ instanceId: o.instanceId, ...(o.deployId ? { deployId: o.deployId } : {}) })),
  );
  const terminated = orphans.filter((o) => outcomes.get(o.instanceId) === 'terminated');
  const reportable = terminated.filter((o) => Ulid.safeParse(o.deployId).success);
  for (const orphan of terminated.filter((o) => !reportable.includes(o))) {
    deps.log.warn('Terminated an orphan instance without a valid DeployId tag', {
      instanceId: orphan.instanceId,
      deployIdTag: orphan.deployId,
    });
  }
  const errors: unknown[] = [];
  for (const batch of chunk(reportable, 10)) {
    await deps.publisher
      .publish(batch.map((o) => orphanEvent(o, o.deployId ?? '', now)))
      .catch((error: unknown) => errors.push(error));
  }
  const failed = orphans.filter((o) => outcomes.get(o.instanceId) === 'failed').length;
  deps.telemetry.count('OrphansTerminated', terminated.length);
  deps.telemetry.count('OrphansWithoutDeployId', terminated.length - reportable.length);
  return { terminated: terminated.length, unreported: terminated.length - reportable.length, failed, errors };
};

/**
 * Live and TERMINATING records from the status GSI, read before the EC2 snapshot so that an
 * instance launched meanwhile cannot look gone.
 */
const ownershipSnapshot = async (deps: ReaperDeps): Promise<DeploymentRecord[]> =>
  (
    await Promise.all(
      [...LIVE_STATUSES, 'TERMINATING' as const].map((status) => collect(deps.deployments.byStatus(status))),
    )
  ).flat();

/**
 * Managed instances that no record owns. The GSI snapshot explains most instances; the rest are
 * read again, consistently, because the GSI may not yet show a record created a moment ago. An
 * instance whose record exists but cannot be parsed is left alone and reported.
 */
const findOrphans = async (
  instances: readonly ManagedInstance[],
  snapshot: ReadonlyMap<string, DeploymentRecord>,
  deps: ReaperDeps,
): Promise<ManagedInstance[]> => {
  const unexplained = instances.filter(
    (i) => !isOwnedBy(i.deployId ? snapshot.get(i.deployId) : undefined, i),
  );
  const deployIds = unexplained.flatMap((i) =>
    i.deployId && Ulid.safeParse(i.deployId).success ? [i.deployId] : [],
  );
  const { found, unreadable } = await deps.deployments.getMany(deployIds);
  const unsure = unexplained.filter((i) => i.deployId !== undefined && unreadable.has(i.deployId));
  if (unsure.length > 0) {
    deps.telemetry.count('UnreadableRecords', unsure.length);
    deps.log.warn('Leaving instances whose record cannot be parsed', {
      instanceIds: unsure.map((i) => i.instanceId),
    });
  }
  return unexplained.filter(
    (i) => !unsure.includes(i) && !isOwnedBy(i.deployId ? found.get(i.deployId) : undefined, i),
  );
};

/**
 * Closes live records whose instance was missing from the snapshot, once a second, targeted look
 * confirms it is gone (the snapshot may lag a launch). Nothing is terminated on this path.
 */
const closeGone = async (
  claims: readonly DeploymentRecord[],
  running: ReadonlySet<string>,
  deps: ReaperDeps,
  now: Date,
): Promise<TerminationReport> => {
  const cutoff = now.getTime() - deps.policy.reconcileGraceSeconds * 1000;
  const suspects = claims.filter(
    (record) => !running.has(record.instanceId ?? '') && lastStepAt(record.history) <= cutoff,
  );
  const stillThere =
    suspects.length > 0 ? await deps.fleet.findManaged(suspects.map((r) => r.instanceId ?? '')) : new Map();
  const gone = suspects.filter((record) => !stillThere.has(record.instanceId ?? ''));
  return terminateDeployments(
    gone.map((record) => ({
      record,
      reason: 'instance_gone',
      cause: scheduledCause(record.deployId, 'terminate', now),
      replyTo: record.replyTo,
      closeWithoutInstance: true,
    })),
    deps,
    { instancesGone: true },
  );
};

/**
 * The hourly reconciliation (docs/architecture.md §6): managed instances with no live record are terminated
 * (`orphan`), and live records whose instance is gone are closed (`instance_gone`). Instances
 * without ManagedBy=branch-envs are never listed, so never touched, even if a record names them.
 */
export const runReconciliation = async (deps: ReaperDeps): Promise<ReconcileSummary> => {
  const now = deps.clock();
  const records = await ownershipSnapshot(deps);
  const instances = await collect(deps.fleet.listManaged());

  const orphans = await findOrphans(instances, new Map(records.map((r) => [r.deployId, r])), deps);
  const orphanResult = orphans.length > 0 ? await terminateOrphans(orphans, deps, now) : undefined;
  const claims = records.filter((r) => isLive(r.status) && r.instanceId !== undefined);
  const goneReport = await closeGone(claims, new Set(instances.map((i) => i.instanceId)), deps, now);

  assertComplete(goneReport.failed + (orphanResult?.failed ?? 0), [
    ...goneReport.errors,
    ...(orphanResult?.errors ?? []),
  ]);
  return {
    managedInstances: instances.length,
    orphansTerminated: orphanResult?.terminated ?? 0,
    orphansUnreported: orphanResult?.unreported ?? 0,
    instanceGone: goneReport,
  };
};
