import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '@branch-envs/shared/conditions';
import { appendHistory } from '@branch-envs/shared/deployments/history';
import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import type { UpdateStore } from '../domain/update/ports';

/** `updates` is absent on records from before updates existed: it then counts as 0. */
const UPDATES_IS = '(attribute_not_exists(#updates) OR #updates = :n)';

/** "abc1234", and who asked and whether the database is re-seeded (`/deploy update`, ADR 0029). */
const startNote = (build: Build, reseed: boolean, requestedBy: string | undefined): string =>
  [
    build.headSha.slice(0, 7),
    ...(requestedBy ? [`requested by ${requestedBy}`] : []),
    ...(reseed ? ['re-seeding the database'] : []),
  ].join(', ');

/**
 * The deployment record's update fields, written only here, each write conditional: `begin` on
 * READY, no update running and an unchanged counter; `defer` on an update running and no newer
 * build waiting; `finish` on the update's own number. The status never changes: an updating
 * environment stays READY, so the reaper, lists and quotas treat it as they did (ADR 0021).
 */
export const createUpdateStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
  repository: DeploymentRepository,
): UpdateStore => {
  const write = async (
    deployId: string,
    input: {
      update: string;
      condition: string;
      names: Record<string, string>;
      values: Record<string, unknown>;
      returnOld?: boolean;
    },
  ) => {
    const out = await unlessConditionFails(
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { deployId },
          UpdateExpression: input.update,
          ConditionExpression: `attribute_exists(deployId) AND ${input.condition}`,
          ExpressionAttributeNames: input.names,
          ExpressionAttributeValues: input.values,
          ReturnValues: input.returnOld ? 'ALL_OLD' : 'ALL_NEW',
        }),
      ),
      undefined,
    );
    return out?.Attributes;
  };

  return {
    async get(deployId) {
      const item = await repository.get(deployId);
      return item?.kind === 'deployment' ? item : undefined;
    },

    byBranch: (branch) => repository.byBranch(branch),

    async begin(deployId, { id, build, reseed, expectedUpdates, at, requestedBy }) {
      const history = appendHistory({
        step: 'update started',
        note: startNote(build, reseed, requestedBy),
        at,
      });
      const sequence = expectedUpdates + 1;
      const attributes = await write(deployId, {
        update: `SET #update = :update, #updates = :next, ${history.clause}`,
        condition: `#status = :ready AND attribute_exists(instanceId) AND attribute_not_exists(#update) AND ${UPDATES_IS}`,
        names: { '#status': 'status', '#update': 'update', '#updates': 'updates', ...history.names },
        values: {
          ':ready': 'READY',
          ':n': expectedUpdates,
          ':next': sequence,
          ':update': { id, build, sequence, reseed, startedAt: at.toISOString() },
          ...history.values,
        },
      });
      return attributes ? DeploymentRecord.parse(attributes) : undefined;
    },

    async defer(deployId, { build, expectedUpdates, at }) {
      const history = appendHistory({ step: 'update queued', note: build.headSha.slice(0, 7), at });
      const attributes = await write(deployId, {
        update: `SET #pending = :build, ${history.clause}`,
        condition: `attribute_exists(#update) AND ${UPDATES_IS} AND (attribute_not_exists(#pending) OR #pending.#builtAt < :builtAt)`,
        names: {
          '#update': 'update',
          '#updates': 'updates',
          '#pending': 'pendingBuild',
          '#builtAt': 'builtAt',
          ...history.names,
        },
        values: { ':n': expectedUpdates, ':build': build, ':builtAt': build.builtAt, ...history.values },
      });
      return attributes !== undefined;
    },

    async attachCommand(deployId, sequence, commandId) {
      const attributes = await write(deployId, {
        update: 'SET #update.#commandId = :commandId',
        condition: '#update.#sequence = :sequence AND attribute_not_exists(#update.#commandId)',
        names: { '#update': 'update', '#sequence': 'sequence', '#commandId': 'commandId' },
        values: { ':sequence': sequence, ':commandId': commandId },
      });
      return attributes !== undefined;
    },

    async finish(deployId, { sequence, succeeded, step, note, at }) {
      const history = appendHistory({ step, note, at });
      const attributes = await write(deployId, {
        update: succeeded
          ? `SET #build = #update.#build, ${history.clause} REMOVE #update, #pending, #failed`
          : `SET #failed = #update.#build, ${history.clause} REMOVE #update, #pending`,
        condition: '#update.#sequence = :sequence',
        names: {
          '#update': 'update',
          '#sequence': 'sequence',
          '#pending': 'pendingBuild',
          '#failed': 'failedBuild',
          '#build': 'build',
          ...history.names,
        },
        values: { ':sequence': sequence, ...history.values },
        returnOld: true,
      });
      if (!attributes) return undefined;
      const old = DeploymentRecord.parse(attributes);
      const record: DeploymentRecord = {
        ...old,
        ...(succeeded && old.update ? { build: old.update.build, failedBuild: undefined } : {}),
        ...(!succeeded && old.update ? { failedBuild: old.update.build } : {}),
        update: undefined,
        pendingBuild: undefined,
      };
      return { record, ...(old.pendingBuild ? { pending: old.pendingBuild } : {}) };
    },
  };
};
