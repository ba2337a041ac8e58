import type { DeploymentRepository, TransitionRequest } from '@branch-envs/shared/deployments/repository';
import { allowedPredecessors, type DeploymentStatus } from '@branch-envs/shared/deployments/states';
import {
  DeploymentItem,
  DeploymentRecord,
  FINISHED_RECORD_RETENTION_SECONDS,
} from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import type { Owner } from '@branch-envs/shared/events/common';

/**
 * The deployment repository's contract in memory, for unit tests of the use cases: conditional
 * create and forward-only conditional transitions, with the same errors as the DynamoDB one
 * (which shared/tests/integration checks against moto). Items are stored parsed, as read back.
 */
export class MemoryRepository implements DeploymentRepository {
  public readonly items = new Map<string, DeploymentItem>();

  public async get(deployId: string) {
    const item = this.items.get(deployId);
    return item ? structuredClone(item) : undefined;
  }

  public async create(record: DeploymentRecord) {
    const existing = this.items.get(record.deployId);
    if (existing) return { created: false as const, existing: structuredClone(existing) };
    this.items.set(record.deployId, DeploymentRecord.parse(record));
    return { created: true as const };
  }

  public async transition(deployId: string, request: TransitionRequest) {
    const current = this.items.get(deployId);
    const from: readonly DeploymentStatus[] = request.from ?? allowedPredecessors(request.to);
    if (!current || current.kind !== 'deployment' || !from.includes(current.status)) {
      // As the real repository: a re-send that finds its own write done returns it (ADR 0018).
      if (current?.kind === 'deployment' && current.status === request.to && request.isOwnWrite?.(current))
        return structuredClone(current);
      const state = current ? `it is ${current.status}` : 'it does not exist';
      throw new TransitionConflictError(deployId, `cannot move to ${request.to}: ${state}`);
    }
    const at = (request.at ?? new Date()).toISOString();
    const entry = { step: request.step, at, ...(request.note ? { note: request.note } : {}) };
    const next = DeploymentRecord.parse({
      ...current,
      ...request.set,
      status: request.to,
      history: [...current.history, entry],
    });
    this.items.set(deployId, next);
    return structuredClone(next);
  }

  public async putTombstone(deployId: string, requestedBy: Owner, at = new Date()) {
    if (this.items.has(deployId)) return false;
    this.items.set(
      deployId,
      DeploymentItem.parse({
        kind: 'tombstone',
        deployId,
        status: 'TERMINATING',
        requestedBy,
        createdAt: at.toISOString(),
        history: [],
        ttl: Math.floor(at.getTime() / 1000) + FINISHED_RECORD_RETENTION_SECONDS,
      }),
    );
    return true;
  }

  public async *expiringBy(status: DeploymentStatus, epochSeconds: number) {
    for (const record of this.records()) {
      if (record.status === status && record.expiresAt <= epochSeconds) yield structuredClone(record);
    }
  }

  public async *byStatus(status: DeploymentStatus) {
    const records = this.records().filter((record) => record.status === status);
    records.sort((a, b) => a.expiresAt - b.expiresAt);
    for (const record of records) yield structuredClone(record);
  }

  /** The provisioner never changes an expiry: the reaper owns those fields. */
  public async updateExpiry(): Promise<DeploymentRecord | undefined> {
    throw new Error('The provisioner does not change expiries');
  }

  public async *byOwner(ownerId: string) {
    for (const record of this.records()) if (record.ownerId === ownerId) yield structuredClone(record);
  }

  public async *byBranch(branch: string) {
    for (const record of this.records()) if (record.branch === branch) yield structuredClone(record);
  }

  /** Sets a record's status directly, as another service (the reaper) would. */
  public force(deployId: string, status: DeploymentStatus): void {
    const current = this.items.get(deployId);
    if (current?.kind !== 'deployment') throw new Error(`no record ${deployId}`);
    this.items.set(deployId, { ...current, status });
  }

  private records(): DeploymentRecord[] {
    return [...this.items.values()].filter((item): item is DeploymentRecord => item.kind === 'deployment');
  }
}
