import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { chunk } from '../domain/concurrency';
import type { DeploymentStore } from '../domain/ports';
import { type BackoffOptions, backoffDelay, sleep, withBackoff } from './retry';

/** BatchGetItem's limit. */
const KEYS_PER_BATCH_GET = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

export interface DeploymentStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  backoff?: BackoffOptions;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** `#status IN (:live0, …)` with its values: the guard every reaper-owned write carries. */
const liveGuard = () => ({
  expression: `#status IN (${LIVE_STATUSES.map((_, i) => `:live${i}`).join(', ')})`,
  values: Object.fromEntries(LIVE_STATUSES.map((status, i) => [`:live${i}`, status])),
});

/** Runs a conditional update; false when its condition did not hold. */
const conditional = async (run: () => Promise<unknown>): Promise<boolean> => {
  try {
    await run();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/**
 * The deployments table for the reaper. Status changes, tombstones and GSI queries are the shared
 * repository's; the expiry fields (`expiresAt`, `keepOvernight`, `expiryWarnedFor`) are the
 * reaper's own, written here with conditions on the status and on the value the caller read.
 */
export const createDeploymentStore = ({
  client,
  tableName,
  backoff,
}: DeploymentStoreOptions): DeploymentStore => {
  const repo = createDeploymentRepository({ client, tableName });
  const update = (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>) =>
    client.send(new UpdateCommand({ TableName: tableName, ...input }));

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

    markWarned: (deployId, expiresAt) => {
      const live = liveGuard();
      return conditional(() =>
        update({
          Key: { deployId },
          UpdateExpression: 'SET expiryWarnedFor = :e',
          ConditionExpression: `attribute_exists(deployId) AND ${live.expression} AND expiresAt = :e AND (attribute_not_exists(expiryWarnedFor) OR expiryWarnedFor <> :e)`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...live.values, ':e': expiresAt },
        }),
      );
    },

    async unmarkWarned(deployId, expiresAt) {
      await conditional(() =>
        update({
          Key: { deployId },
          UpdateExpression: 'REMOVE expiryWarnedFor',
          ConditionExpression: 'expiryWarnedFor = :e',
          ExpressionAttributeValues: { ':e': expiresAt },
        }),
      );
    },

    async changeExpiry(deployId, change) {
      const live = liveGuard();
      try {
        const out = await update({
          Key: { deployId },
          UpdateExpression:
            'SET expiresAt = :new, keepOvernight = :keep, #history = list_append(if_not_exists(#history, :empty), :entry) REMOVE expiryWarnedFor',
          ConditionExpression: `attribute_exists(deployId) AND ${live.expression} AND expiresAt = :expected`,
          ExpressionAttributeNames: { '#status': 'status', '#history': 'history' },
          ExpressionAttributeValues: {
            ...live.values,
            ':new': change.expiresAt,
            ':keep': change.keepOvernight,
            ':expected': change.expectedExpiresAt,
            ':empty': [],
            ':entry': [{ step: change.step, at: change.at.toISOString(), note: change.note }],
          },
          ReturnValues: 'ALL_NEW',
        });
        return DeploymentRecord.parse(out.Attributes);
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    clearKeepOvernight: (deployId, at) => {
      const live = liveGuard();
      return conditional(() =>
        update({
          Key: { deployId },
          UpdateExpression:
            'SET keepOvernight = :false, #history = list_append(if_not_exists(#history, :empty), :entry)',
          ConditionExpression: `${live.expression} AND keepOvernight = :true`,
          ExpressionAttributeNames: { '#status': 'status', '#history': 'history' },
          ExpressionAttributeValues: {
            ...live.values,
            ':false': false,
            ':true': true,
            ':empty': [],
            ':entry': [{ step: 'kept overnight', at: at.toISOString() }],
          },
        }),
      );
    },
  };
};
