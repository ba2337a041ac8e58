import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, unlessConditionFails } from '../conditions';
import { TransitionConflictError } from '../errors';
import type { Owner } from '../events/common';
import { logger } from '../observability';
import { type ExpiryUpdate, expiryUpdateInput } from './expiryUpdate';
import { appendHistory } from './history';
import { allowedPredecessors, type DeploymentStatus } from './states';
import {
  DEPLOYMENTS_INDEXES,
  DeploymentItem,
  DeploymentRecord,
  FINISHED_RECORD_RETENTION_SECONDS,
  type TombstoneRecord,
} from './table';

export type { ExpiryFields, ExpiryUpdate } from './expiryUpdate';

/** Fields a transition may set beside `status`; GSI keys included, the key itself excluded. */
export type TransitionUpdates = Partial<Omit<DeploymentRecord, 'deployId' | 'kind' | 'status' | 'history'>>;

export interface TransitionRequest {
  to: DeploymentStatus;
  /** Defaults to every state the machine allows before `to`; narrow it to be stricter. */
  from?: readonly DeploymentStatus[];
  step: string;
  note?: string;
  set?: TransitionUpdates;
  at?: Date;
  /**
   * Recognises this very write in the record when the condition fails: the answer to the first
   * attempt was lost (a timeout, a reset) and the SDK's re-send found the record already moved by it.
   * Return true only for a mark no other writer could leave (a random token hash, an instance id).
   * Without it, a lost answer reads as a lost race (issue 17's chaos run, ADR 0018).
   */
  isOwnWrite?: (current: DeploymentRecord) => boolean;
}

export interface DeploymentRepository {
  get(deployId: string): Promise<DeploymentItem | undefined>;
  /** Creates the record unless any item (a record or a tombstone) already has this deployId. */
  create(record: DeploymentRecord): Promise<{ created: true } | { created: false; existing: DeploymentItem }>;
  /** A conditional, forward-only state change; throws {@link TransitionConflictError} when it loses. */
  transition(deployId: string, request: TransitionRequest): Promise<DeploymentRecord>;
  /** Leaves a tombstone for a deployment with no record yet; false when a record or tombstone exists. */
  putTombstone(deployId: string, requestedBy: Owner, at?: Date): Promise<boolean>;
  /** Records in one status whose expiresAt is at or before `epochSeconds` (the status+expiresAt GSI). */
  expiringBy(status: DeploymentStatus, epochSeconds: number): AsyncGenerator<DeploymentRecord>;
  /** Every record in one status, soonest expiry first (the status+expiresAt GSI). */
  byStatus(status: DeploymentStatus): AsyncGenerator<DeploymentRecord>;
  /**
   * A conditional change of the expiry fields (the status stays), with an optional history entry;
   * undefined when a condition did not hold: the record is not in `from` or its fields changed.
   */
  updateExpiry(deployId: string, update: ExpiryUpdate): Promise<DeploymentRecord | undefined>;
  byOwner(ownerId: string, options?: { newestFirst?: boolean }): AsyncGenerator<DeploymentRecord>;
  byBranch(branch: string, options?: { newestFirst?: boolean }): AsyncGenerator<DeploymentRecord>;
}

export interface DeploymentRepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** The UpdateItem expression of a transition: new status, history entry, extra fields, guard on `from`. */
const transitionUpdate = ({
  to,
  from = allowedPredecessors(to),
  step,
  note,
  set = {},
  at = new Date(),
}: TransitionRequest) => {
  const history = appendHistory({ step, note, at });
  const names: Record<string, string> = { '#status': 'status', ...history.names };
  const values: Record<string, unknown> = { ':to': to, ...history.values };
  const assignments = ['#status = :to', history.clause];
  const fields: Record<string, unknown> = { ...set };
  // Finished records are purged by DynamoDB after a while; REJECTED ones never owned anything.
  if ((to === 'TERMINATED' || to === 'REJECTED') && set.ttl === undefined) {
    fields.ttl = Math.floor(at.getTime() / 1000) + FINISHED_RECORD_RETENTION_SECONDS;
  }
  Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .forEach(([key, value], index) => {
      names[`#f${index}`] = key;
      values[`:f${index}`] = value;
      assignments.push(`#f${index} = :f${index}`);
    });
  const fromKeys = from.map((status, i) => {
    values[`:from${i}`] = status;
    return `:from${i}`;
  });
  return {
    UpdateExpression: `SET ${assignments.join(', ')}`,
    ConditionExpression: `attribute_exists(deployId) AND #status IN (${fromKeys.join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/** Every record of a status: the status+expiresAt GSI by its partition key alone. */
const byStatusQuery = (status: DeploymentStatus): Omit<QueryCommandInput, 'TableName'> => ({
  IndexName: DEPLOYMENTS_INDEXES.byStatusExpiry,
  KeyConditionExpression: '#status = :status',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':status': status },
});

const updateExpiry = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  deployId: string,
  update: ExpiryUpdate,
): Promise<DeploymentRecord | undefined> => {
  const written = client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { deployId },
      ReturnValues: 'ALL_NEW',
      ...expiryUpdateInput(update),
    }),
  );
  const out = await unlessConditionFails(written, undefined);
  return out ? DeploymentRecord.parse(out.Attributes) : undefined;
};

/**
 * The ownership registry (docs/architecture.md §3) behind one interface. Every status change is a conditional
 * update on the current status, so duplicates, replays and races resolve to exactly one winner.
 * Reads go through the key or a GSI; there is no Scan here on purpose.
 */
export const createDeploymentRepository = ({
  client,
  tableName,
}: DeploymentRepositoryOptions): DeploymentRepository => {
  const get = async (deployId: string): Promise<DeploymentItem | undefined> => {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { deployId }, ConsistentRead: true }),
    );
    return out.Item ? DeploymentItem.parse(out.Item) : undefined;
  };

  /** Puts an item unless any item has its deployId; false when one does. */
  const putIfAbsent = async (item: DeploymentItem): Promise<boolean> => {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(deployId)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };

  async function* query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<DeploymentRecord> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey }));
      for (const item of page.Items ?? []) {
        const parsed = DeploymentRecord.safeParse(item);
        // One malformed item must not break a list or a sweep for everyone else.
        if (parsed.success) yield parsed.data;
        else
          logger.warn('Skipping a deployments item that does not match the schema', {
            deployId: item.deployId,
          });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  return {
    get,

    async create(record) {
      if (await putIfAbsent(DeploymentRecord.parse(record))) return { created: true };
      const existing = await get(record.deployId);
      if (!existing)
        throw new TransitionConflictError(record.deployId, 'create lost a race to a deleted item');
      return { created: false, existing };
    },

    async transition(deployId, request) {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { deployId },
            ReturnValues: 'ALL_NEW',
            ...transitionUpdate(request),
          }),
        );
        return DeploymentRecord.parse(out.Attributes);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const current = await get(deployId);
        if (current?.kind === 'deployment' && current.status === request.to && request.isOwnWrite?.(current))
          return current;
        const state = current ? `it is ${current.status}` : 'it does not exist';
        throw new TransitionConflictError(deployId, `cannot move to ${request.to}: ${state}`, {
          cause: error,
        });
      }
    },

    async putTombstone(deployId, requestedBy, at = new Date()) {
      const item: TombstoneRecord = {
        kind: 'tombstone',
        deployId,
        status: 'TERMINATING',
        requestedBy,
        createdAt: at.toISOString(),
        history: [{ step: 'terminate requested before launch', at: at.toISOString() }],
        ttl: Math.floor(at.getTime() / 1000) + FINISHED_RECORD_RETENTION_SECONDS,
      };
      return putIfAbsent(item);
    },

    expiringBy: (status, epochSeconds) =>
      query({
        IndexName: DEPLOYMENTS_INDEXES.byStatusExpiry,
        KeyConditionExpression: '#status = :status AND expiresAt <= :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':now': epochSeconds },
      }),

    byStatus: (status) => query(byStatusQuery(status)),

    updateExpiry: (deployId, update) => updateExpiry(client, tableName, deployId, update),

    byOwner: (ownerId, { newestFirst = true } = {}) =>
      query({
        IndexName: DEPLOYMENTS_INDEXES.byOwner,
        KeyConditionExpression: 'ownerId = :owner',
        ExpressionAttributeValues: { ':owner': ownerId },
        ScanIndexForward: !newestFirst,
      }),

    byBranch: (branch, { newestFirst = true } = {}) =>
      query({
        IndexName: DEPLOYMENTS_INDEXES.byBranch,
        KeyConditionExpression: 'branch = :branch',
        ExpressionAttributeValues: { ':branch': branch },
        ScanIndexForward: !newestFirst,
      }),
  };
};
