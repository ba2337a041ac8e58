import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import { isNewerBuild } from './builds';
import type { UpdateDeps } from './ports';
import { sendUpdate } from './sendUpdate';

/** What offering a build to one environment did. */
export type OfferOutcome =
  | 'started'
  | 'deferred'
  | 'current'
  | 'failed_before'
  | 'not_ready'
  | 'not_following';

/** Compare-and-swap rounds before giving up; each lost round means the record really changed. */
const MAX_ROUNDS = 5;

export class UpdateContentionError extends Error {
  override readonly name = 'UpdateContentionError';
}

export interface OfferOptions {
  reseed: boolean;
  /** `/deploy update` asks for the update even when the environment does not follow builds. */
  requested: boolean;
  /**
   * The update's id when it derives from a request (ADR 0029), so a redelivered request that
   * finds its own update running knows it started it; absent: a new id.
   */
  updateId?: string;
  /** Who asked, for the history (`/deploy status`); absent for a build that landed. */
  requestedBy?: string;
}

/** Longer than the update function's timeout: a send still in flight is never doubled. */
const RESEND_AFTER_MS = 120_000;

const sendLost = (update: NonNullable<DeploymentRecord['update']>, deps: UpdateDeps): boolean =>
  !update.commandId && deps.ports.now().getTime() - Date.parse(update.startedAt) > RESEND_AFTER_MS;

const sameBuild = (a: Build, b: Build): boolean => a.headSha === b.headSha && a.builtAt === b.builtAt;

const follows = (record: DeploymentRecord, deps: UpdateDeps): boolean =>
  record.follow ?? deps.settings.followByDefault;

/** An update runs: resend its command after a lost send, or leave the build for after it. */
const whileUpdating = async (
  record: DeploymentRecord & { update: NonNullable<DeploymentRecord['update']> },
  build: Build,
  options: OfferOptions,
  deps: UpdateDeps,
): Promise<OfferOutcome | 'lost'> => {
  if (options.updateId !== undefined && record.update.id === options.updateId) return 'started';
  // A send that died after the update started (no command recorded long after) is sent again by
  // the next delivery; only one command id is ever recorded.
  if (sendLost(record.update, deps) && sameBuild(build, record.update.build)) {
    await sendUpdate(record, deps);
    return 'started';
  }
  if (!isNewerBuild(build, record.update.build)) return 'current';
  if (record.pendingBuild && !isNewerBuild(build, record.pendingBuild)) return 'deferred';
  const deferred = await deps.ports.store.defer(record.deployId, {
    build,
    expectedUpdates: record.updates ?? 0,
    at: deps.ports.now(),
  });
  return deferred ? 'deferred' : 'lost';
};

/** Nothing runs: start an update with the build, if it is newer than what the environment runs. */
const startIfNewer = async (
  record: DeploymentRecord,
  build: Build,
  options: OfferOptions,
  deps: UpdateDeps,
): Promise<OfferOutcome | 'lost'> => {
  if (!isNewerBuild(build, record.build)) return 'current';
  const { ports } = deps;
  const started = await ports.store.begin(record.deployId, {
    id: options.updateId ?? ports.newId(),
    build,
    reseed: options.reseed,
    expectedUpdates: record.updates ?? 0,
    at: ports.now(),
    ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
  });
  if (!started) return 'lost';
  const waiting = await sendUpdate(started, deps);
  if (waiting) await offerBuild(record.deployId, waiting, { reseed: false, requested: true }, deps);
  return 'started';
};

/** One round: the decision on what the record says now, and the one conditional write it needs. */
const round = (
  record: DeploymentRecord,
  build: Build,
  options: OfferOptions,
  deps: UpdateDeps,
): Promise<OfferOutcome | 'lost'> => {
  if (record.status !== 'READY' || !record.instanceId) return Promise.resolve('not_ready');
  if (!options.requested && !follows(record, deps)) return Promise.resolve('not_following');
  // A notification repeated after the build failed would restart the app on it again and again.
  if (!options.requested && record.failedBuild && sameBuild(build, record.failedBuild))
    return Promise.resolve('failed_before');
  const { update } = record;
  return update
    ? whileUpdating({ ...record, update }, build, options, deps)
    : startIfNewer(record, build, options, deps);
};

/**
 * Offers a build to one environment: starts an update when none runs and the build is newer than
 * what it runs, or leaves the build for after the running update. Every write is a compare-and-swap
 * on the record's update counter; a lost round re-reads the record and decides again, so of two
 * builds landing at once one starts and the other waits, and a build is never applied twice.
 */
export const offerBuild = async (
  deployId: string,
  build: Build,
  options: OfferOptions,
  deps: UpdateDeps,
): Promise<OfferOutcome> => {
  for (let i = 0; i < MAX_ROUNDS; i += 1) {
    const record = await deps.ports.store.get(deployId);
    if (!record) return 'not_ready';
    const outcome = await round(record, build, options, deps);
    if (outcome !== 'lost') return outcome;
  }
  throw new UpdateContentionError(`deployment ${deployId}: ${MAX_ROUNDS} update writes lost their race`);
};

/** Every live environment of `branch` that follows builds gets the branch's current build offered. */
export const followBranch = async (
  branch: string,
  deps: UpdateDeps,
): Promise<{ deployId: string; outcome: OfferOutcome }[]> => {
  const current = await deps.ports.builds.current(branch);
  if (current.kind === 'incomplete') {
    deps.log.info('The branch has no complete new build yet', { branch, why: current.why });
    return [];
  }
  const results: { deployId: string; outcome: OfferOutcome }[] = [];
  for await (const record of deps.ports.store.byBranch(branch)) {
    if (record.status !== 'READY') continue;
    const outcome = await offerBuild(
      record.deployId,
      current.build,
      { reseed: false, requested: false },
      deps,
    );
    results.push({ deployId: record.deployId, outcome });
  }
  deps.log.info('Offered the new build', { branch, headSha: current.build.headSha, results });
  return results;
};
