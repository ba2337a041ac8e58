import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { type DeploymentStatus, LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { LiveDeploymentSummary } from '@branch-envs/shared/events/common';
import type { HeldSlot, QuotaSettings } from '../ports';

/**
 * The states that count against a quota: every live state except REQUESTED and FAILED. A request
 * still being resolved may yet be rejected (several sent at once would otherwise block each other).
 * A failed deployment either never got an instance or had it terminated at once; with
 * KEEP_FAILED_INSTANCES it is kept for an operator to debug, which should not stop its owner from
 * trying again.
 */
export const QUOTA_STATUSES: readonly DeploymentStatus[] = LIVE_STATUSES.filter(
  (status) => status !== 'FAILED' && status !== 'REQUESTED',
);

/** How a held slot is listed to a user refused because of it. */
const heldSummary = (slot: HeldSlot): LiveDeploymentSummary => ({
  deployId: slot.deployId,
  branch: slot.query.slice(0, 255),
  status: 'STARTING (from the queue)',
});

export type QuotaVerdict =
  | { allowed: true }
  | { allowed: false; scope: 'user' | 'total'; limit: number; live: LiveDeploymentSummary[] };

const counts = (record: DeploymentRecord, deployId: string): boolean =>
  record.deployId !== deployId && QUOTA_STATUSES.includes(record.status);

export const summarize = (record: DeploymentRecord): LiveDeploymentSummary => ({
  deployId: record.deployId,
  // Counted records are past REQUESTED, so they have their branch.
  branch: record.branch ?? record.query,
  status: record.status,
  ...(record.url ? { url: record.url } : {}),
  expiresAt: record.expiresAt,
});

/** The owner's deployments that count, through the ownerId+createdAt GSI. */
const liveOfOwner = async (
  repository: DeploymentRepository,
  ownerId: string,
  deployId: string,
): Promise<DeploymentRecord[]> => {
  const live: DeploymentRecord[] = [];
  for await (const record of repository.byOwner(ownerId)) {
    if (counts(record, deployId)) live.push(record);
  }
  return live;
};

/**
 * How many deployments count in total, through the status+expiresAt GSI (one query per status,
 * never a Scan). It stops as soon as the limit is reached: only "at the limit or not" matters.
 */
const totalReaches = async (
  repository: DeploymentRepository,
  deployId: string,
  limit: number,
  held: ReadonlySet<string>,
): Promise<boolean> => {
  let total = held.size;
  if (total >= limit) return true;
  for (const status of QUOTA_STATUSES) {
    for await (const record of repository.byStatus(status)) {
      if (record.deployId !== deployId && !held.has(record.deployId)) total += 1;
      if (total >= limit) return true;
    }
  }
  return false;
};

/**
 * Whether one more environment fits in the per-user and total limits, counting the slots held for
 * started queued requests once each. The deployment being checked is left out of every count, so a
 * redelivered event is judged as it was the first time, and a queued request is not counted against
 * itself. The user's limit is checked first because its answer (your own environments) is the one
 * a user can act on; both answers list the user's environments, held slots included.
 */
export const checkQuota = async (
  repository: DeploymentRepository,
  settings: QuotaSettings,
  request: { deployId: string; ownerId: string },
  heldSlots: readonly HeldSlot[] = [],
): Promise<QuotaVerdict> => {
  const held = heldSlots.filter((slot) => slot.deployId !== request.deployId);
  const mine = await liveOfOwner(repository, request.ownerId, request.deployId);
  const counted = new Set(mine.map((record) => record.deployId));
  const heldMine = held.filter((slot) => slot.ownerId === request.ownerId && !counted.has(slot.deployId));
  const live = [...mine.map(summarize), ...heldMine.map(heldSummary)];
  if (live.length >= settings.maxLivePerUser) {
    return { allowed: false, scope: 'user', limit: settings.maxLivePerUser, live };
  }
  const heldIds = new Set(held.map((slot) => slot.deployId));
  if (await totalReaches(repository, request.deployId, settings.maxLiveTotal, heldIds)) {
    return { allowed: false, scope: 'total', limit: settings.maxLiveTotal, live };
  }
  return { allowed: true };
};
