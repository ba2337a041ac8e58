import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { DeploymentItem } from '@branch-envs/shared/deployments/table';
import { type BackoffOptions, backoffDelay, sleep, withBackoff } from '@branch-envs/shared/retry';
import { chunk } from '../domain/concurrency';
import type { DeploymentStore } from '../domain/ports';

/** BatchGetItem's limit. */
const KEYS_PER_BATCH_GET = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

export interface DeploymentStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  backoff?: BackoffOptions;
}

/**
 * The deployments table for the reaper, on the shared repository: its status changes, tombstones,
 * GSI queries and conditional expiry updates. What is the reaper's own is which expiry update each
 * of its steps makes, and the batched reads of many keys (reconciliation) with backoff.
 */
export const createDeploymentStore = ({
  client,
  tableName,
  backoff,
}: DeploymentStoreOptions): DeploymentStore => {
  const repo = createDeploymentRepository({ client, tableName });

  const batchGet = async (keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let pending = keys;
    for (let round = 0; pending.length > 0; round += 1) {
      if (round >= MAX_UNPROCESSED_ROUNDS)
        throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      const requested = pending;
      const out = await withBackoff(
        () =>
          client.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requested, ConsistentRead: true } } }),
          ),
        backoff,
      );
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      // Unprocessed keys mean the table is throttling this read: back off before asking again.
      if (pending.length > 0)
        await (backoff?.sleep ?? sleep)(backoffDelay(round, 100, 5000, backoff?.random));
    }
    return items;
  };

  return {
    get: (deployId) => repo.get(deployId),
    expiringBy: (status, epochSeconds) => repo.expiringBy(status, epochSeconds),
    byStatus: (status) => repo.byStatus(status),
    byOwner: (ownerId) => repo.byOwner(ownerId),
    byBranch: (branch) => repo.byBranch(branch),
    transition: (deployId, request) => repo.transition(deployId, request),
    putTombstone: (deployId, requestedBy, at) => repo.putTombstone(deployId, requestedBy, at),

    async getMany(deployIds) {
      const found = new Map<string, DeploymentItem>();
      const unreadable = new Set<string>();
      for (const ids of chunk([...new Set(deployIds)], KEYS_PER_BATCH_GET)) {
        for (const item of await batchGet(ids.map((deployId) => ({ deployId })))) {
          const parsed = DeploymentItem.safeParse(item);
          if (parsed.success) found.set(parsed.data.deployId, parsed.data);
          else unreadable.add(String(item.deployId));
        }
      }
      return { found, unreadable };
    },

    markWarned: async (deployId, expiresAt, warnedFor) =>
      (await repo.updateExpiry(deployId, {
        set: { expiryWarnedFor: warnedFor },
        expect: { expiresAt },
        unless: { expiryWarnedFor: warnedFor },
      })) !== undefined,

    async unmarkWarned(deployId, warnedFor) {
      // Even once the record is no longer live: the mark belongs to a warning that was never sent.
      await repo.updateExpiry(deployId, {
        remove: ['expiryWarnedFor'],
        from: 'any',
        expect: { expiryWarnedFor: warnedFor },
      });
    },

    changeExpiry: (deployId, change) =>
      repo.updateExpiry(deployId, {
        set: {
          expiresAt: change.expiresAt,
          keepOvernight: change.keepOvernight,
          expiryWarnedFor: change.expiryWarnedFor,
        },
        remove: change.expiryWarnedFor === undefined ? ['expiryWarnedFor'] : [],
        expect: { expiresAt: change.expectedExpiresAt },
        step: change.step,
        note: change.note,
        at: change.at,
      }),

    clearKeepOvernight: async (deployId, at) =>
      (await repo.updateExpiry(deployId, {
        set: { keepOvernight: false },
        expect: { keepOvernight: true },
        step: 'kept overnight',
        at,
      })) !== undefined,
  };
};
