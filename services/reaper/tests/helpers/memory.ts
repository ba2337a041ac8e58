import { allowedPredecessors, isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import { buildEvent, type Publisher } from '@branch-envs/shared/publish';
import type {
  DeploymentStore,
  InstanceFleet,
  ManagedInstance,
  ReaperDeps,
  TerminationOutcome,
} from '../../src/domain/ports';
import { testPolicy } from './factories';
import { countingTelemetry, type Published, silentLog } from './world';

/**
 * The deployments table in memory, with the same conditions as the real writes (status guards,
 * expected expiry), for fast domain tests. The moto suites check the real expressions.
 */
export const memoryStore = (initial: readonly DeploymentItem[] = []) => {
  const items = new Map<string, DeploymentItem>(initial.map((i) => [i.deployId, structuredClone(i)]));
  const record = (id: string): DeploymentRecord | undefined => {
    const item = items.get(id);
    return item?.kind === 'deployment' ? item : undefined;
  };
  async function* where(test: (r: DeploymentRecord) => boolean): AsyncGenerator<DeploymentRecord> {
    for (const item of [...items.values()])
      if (item.kind === 'deployment' && test(item)) yield structuredClone(item);
  }
  const store: DeploymentStore = {
    get: async (id) => structuredClone(items.get(id)),
    getMany: async (ids) => ({
      found: new Map(
        ids.flatMap((id) => (items.has(id) ? [[id, structuredClone(items.get(id) as DeploymentItem)]] : [])),
      ),
      unreadable: new Set(),
    }),
    expiringBy: (status, until) => where((r) => r.status === status && r.expiresAt <= until),
    byStatus: (status) => where((r) => r.status === status),
    byOwner: (owner) => where((r) => r.ownerId === owner),
    byBranch: (branch) => where((r) => r.branch === branch),
    async transition(id, { to, from = allowedPredecessors(to), step, note, set = {}, at = new Date() }) {
      const current = record(id);
      if (!current || !from.includes(current.status))
        throw new TransitionConflictError(id, `cannot move to ${to}`);
      const next = {
        ...current,
        ...set,
        status: to,
        history: [...current.history, { step, at: at.toISOString(), ...(note ? { note } : {}) }],
      };
      items.set(id, next);
      return structuredClone(next);
    },
    async putTombstone(id, requestedBy, at) {
      if (items.has(id)) return false;
      const ttl = Math.floor(at.getTime() / 1000) + 1;
      items.set(id, {
        kind: 'tombstone',
        deployId: id,
        status: 'TERMINATING',
        requestedBy,
        createdAt: at.toISOString(),
        history: [],
        ttl,
      });
      return true;
    },
    async markWarned(id, expiresAt, warnedFor) {
      const current = record(id);
      if (
        !current ||
        !isLive(current.status) ||
        current.expiresAt !== expiresAt ||
        current.expiryWarnedFor === warnedFor
      )
        return false;
      items.set(id, { ...current, expiryWarnedFor: warnedFor });
      return true;
    },
    async unmarkWarned(id, warnedFor) {
      const current = record(id);
      if (current?.expiryWarnedFor === warnedFor) items.set(id, { ...current, expiryWarnedFor: undefined });
    },
    async changeExpiry(id, change) {
      const current = record(id);
      if (!current || !isLive(current.status) || current.expiresAt !== change.expectedExpiresAt)
        return undefined;
      const entry = { step: change.step, at: change.at.toISOString(), note: change.note };
      const next = {
        ...current,
        expiresAt: change.expiresAt,
        keepOvernight: change.keepOvernight,
        expiryWarnedFor: change.expiryWarnedFor,
        history: [...current.history, entry],
      };
      items.set(id, next);
      return structuredClone(next);
    },
    async clearKeepOvernight(id) {
      const current = record(id);
      if (!current || !isLive(current.status) || !current.keepOvernight) return false;
      items.set(id, { ...current, keepOvernight: false });
      return true;
    },
  };
  return { store, items, record };
};

/** Instances in memory: `managed` ones carry the tag; terminate records what it was asked to end. */
export const memoryFleet = (
  instances: readonly (ManagedInstance & { managed?: boolean; stage?: string })[] = [],
) => {
  const byId = new Map(instances.map((i) => [i.instanceId, { managed: true, ...i }]));
  const terminated: string[] = [];
  const terminateOne = (instanceId: string, deployId: string | undefined): TerminationOutcome => {
    const instance = byId.get(instanceId);
    if (!instance || instance.state === 'terminated') return 'gone';
    if (!instance.managed) return 'untagged';
    if (deployId && instance.deployId !== deployId) return 'mismatch';
    instance.state = 'terminated';
    terminated.push(instanceId);
    return 'terminated';
  };
  const fleet: InstanceFleet = {
    async terminateManaged(candidates) {
      return new Map(candidates.map((c) => [c.instanceId, terminateOne(c.instanceId, c.deployId)]));
    },
    async *listManaged() {
      for (const i of byId.values()) if (i.managed && i.state !== 'terminated') yield i;
    },
    async describe(id) {
      const i = byId.get(id);
      return i ? { ...i, stage: i.stage ?? 'local' } : undefined;
    },
    async findManaged(ids) {
      return new Map(
        ids.flatMap((id) => {
          const i = byId.get(id);
          return i?.managed && i.state !== 'terminated' ? [[id, i] as const] : [];
        }),
      );
    },
  };
  return { fleet, terminated, byId };
};

/** A publisher that validates like the real one and keeps what it would have sent. */
export const memoryPublisher = (options: { failWith?: Error } = {}) => {
  const published: Published[] = [];
  const publisher: Publisher = {
    async publish(events) {
      if (options.failWith) throw options.failWith;
      const built = events.map((e) => buildEvent(e, 'reaper', new Date()));
      for (const b of built) published.push(b as unknown as Published);
      return built.map((b) => ({ detailType: b.detailType, metadata: b.detail.metadata }));
    },
  };
  return { publisher, published };
};

export const memoryDeps = (overrides: Partial<ReaperDeps> & { now?: Date } = {}): ReaperDeps => {
  const { now, ...rest } = overrides;
  return {
    deployments: memoryStore().store,
    fleet: memoryFleet().fleet,
    publisher: memoryPublisher().publisher,
    policy: testPolicy(),
    clock: () => now ?? new Date(),
    telemetry: countingTelemetry(),
    log: silentLog,
    ...rest,
  };
};
