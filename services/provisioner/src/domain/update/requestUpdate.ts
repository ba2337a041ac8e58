import { branchOf, type DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import type { UpdateRefusalCode } from '@branch-envs/shared/events/UpdateRefused';
import type { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import { derivedId } from '@branch-envs/shared/ids';
import { shortSha } from './builds';
import { type OfferOutcome, offerBuild } from './offerBuild';
import type { UpdateDeps } from './ports';

/**
 * A request older than this is not acted on: an archive replay of `/deploy update` neither
 * restarts an app nor answers a conversation that ended long ago (as `maxRequestAgeSeconds` does
 * for deploys, docs/architecture.md §4).
 */
export const MAX_UPDATE_REQUEST_AGE_SECONDS = 900;

export type RequestOutcome = 'started' | 'deferred' | 'refused' | 'expired';

const minute = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** Why the newest build is not applied: the environment runs it, or is being updated to it. */
const noNewerBuild = (record: DeploymentRecord, build: Build): string =>
  record.update && record.update.build.headSha === build.headSha
    ? `${record.branch} is being updated to ${shortSha(build.headSha)} already, the newest build of its branch.`
    : `${record.branch} already runs ${shortSha((record.build ?? build).headSha)}, the newest build of its branch (built ${minute((record.build ?? build).builtAt)}).`;

const notReady = (record: DeploymentRecord | undefined, deployId: string): string =>
  record
    ? `deploy ${deployId} is ${record.status.toLowerCase()}, not ready: only a ready environment can be updated.`
    : `deploy ${deployId} does not exist any more.`;

type Refusal = { code: UpdateRefusalCode; message: string; runningHeadSha?: string };

const refusalFor = (
  outcome: Exclude<OfferOutcome, 'started'>,
  record: DeploymentRecord,
  build: Build,
  reseed: boolean,
): Refusal | undefined => {
  const runningHeadSha = record.build?.headSha;
  const running = runningHeadSha ? { runningHeadSha } : {};
  if (outcome === 'deferred')
    return reseed
      ? {
          code: 'reseed_not_queued',
          message: `An update of ${record.branch} was running, so ${shortSha(build.headSha)} follows after it, without re-seeding the database; ask for --reseed again once it has ended.`,
          ...running,
        }
      : undefined;
  if (outcome === 'current') {
    const untouched = reseed ? ' The database was not re-seeded: --reseed comes with a newer build.' : '';
    return { code: 'no_newer_build', message: `${noNewerBuild(record, build)}${untouched}`, ...running };
  }
  return { code: 'not_ready', message: notReady(record, record.deployId), ...running };
};

/**
 * `/deploy update` (ADR 0029): the newest complete build of the environment's branch, applied
 * through the same compare-and-swap as a build that lands (ADR 0021), even when the environment
 * does not follow builds or that build failed before. The update's id derives from the request,
 * so a redelivered request finds its own update and starts nothing more. What is not started is
 * answered with UpdateRefused; a build that waits for a running update follows after it.
 */
export const handleUpdateRequested = async (
  request: UpdateRequested,
  deps: UpdateDeps,
): Promise<RequestOutcome> => {
  const { data, metadata } = request;
  const { ports, log } = deps;
  const ageMs = ports.now().getTime() - Date.parse(metadata.occurredAt);
  if (ageMs > MAX_UPDATE_REQUEST_AGE_SECONDS * 1000) {
    log.info('Ignoring an update request past its age limit', { deployId: data.deployId, ageMs });
    return 'expired';
  }
  const refuse = async (refusal: Refusal): Promise<RequestOutcome> => {
    await ports.events.refused({ request, ...refusal });
    log.info('Update request refused', { deployId: data.deployId, code: refusal.code });
    return 'refused';
  };
  const record = await ports.store.get(data.deployId);
  if (record?.status !== 'READY' || !record.instanceId)
    return refuse({ code: 'not_ready', message: notReady(record, data.deployId) });
  const branch = branchOf(record);
  const current = await ports.builds.current(branch);
  if (current.kind === 'incomplete')
    return refuse({
      code: 'no_build',
      message: `${branch} has no complete build to update to (${current.why}).`,
    });
  const outcome = await offerBuild(
    data.deployId,
    current.build,
    {
      reseed: data.reseed,
      requested: true,
      updateId: derivedId(metadata.eventId, 'update', data.deployId),
      requestedBy: data.requestedBy.userName,
    },
    deps,
  );
  if (outcome === 'started') return 'started';
  const refusal = refusalFor(outcome, record, current.build, data.reseed);
  return refusal ? refuse(refusal) : 'deferred';
};
