import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../conditions';
import { BranchEnvsError, TransitionConflictError } from '../errors';
import {
  DeployQueueItem,
  emptyQueue,
  MAX_QUEUE_ENTRIES,
  QUEUE_KEY,
  type QueueEntry,
  type QueueStore,
} from './deployQueue';

export type { QueueChange, QueueStore } from './deployQueue';

export interface QueueStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  rounds?: number;
}

/** The queue is at {@link MAX_QUEUE_ENTRIES}; the caller tells the user to try later. */
export class QueueFullError extends BranchEnvsError {
  public constructor(message: string) {
    super(message);
    this.name = 'QueueFullError';
  }
}

/** A short, jittered pause after a lost round, so racing writers spread out instead of colliding again. */
const backOff = (round: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (round + 1)));

export const createQueueStore = ({ client, tableName, rounds = 8 }: QueueStoreOptions): QueueStore => {
  const read = async (): Promise<DeployQueueItem> => {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: { deployId: QUEUE_KEY }, ConsistentRead: true }),
    );
    return out.Item ? DeployQueueItem.parse(out.Item) : emptyQueue();
  };

  /** Writes version+1 if the item is still at `read.version` (or still absent at version 0). */
  const swap = async (read: DeployQueueItem, entries: QueueEntry[]): Promise<DeployQueueItem | undefined> => {
    if (entries.length > MAX_QUEUE_ENTRIES)
      throw new QueueFullError(`the queue holds ${MAX_QUEUE_ENTRIES} at most`);
    const next = DeployQueueItem.parse({ ...read, version: read.version + 1, entries });
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: next,
          ConditionExpression:
            read.version === 0 ? 'attribute_not_exists(deployId) OR version = :v' : 'version = :v',
          ExpressionAttributeValues: { ':v': read.version },
        }),
      );
      return next;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  };

  return {
    read,
    async update(change) {
      for (let round = 0; round < rounds; round += 1) {
        const current = await read();
        const { entries, result } = await change(current);
        if (entries === undefined) return { result, queue: current };
        const written = await swap(current, entries);
        if (written) return { result, queue: written };
        await backOff(round);
      }
      throw new TransitionConflictError(QUEUE_KEY, `the queue kept changing for ${rounds} rounds`);
    },
  };
};
