import type { QueueStore } from '@branch-envs/shared/deployments/deployQueue';
import type { HeldSlot } from '../domain/ports';

/**
 * The slots the deploy queue holds for started requests (ADR 0031), from one consistent read of the
 * queue item: the reaper keeps a started entry there until the status index shows its deployment
 * past REQUESTED, which is when this quota starts counting the deployment itself.
 */
export const createHeldSlots =
  (store: Pick<QueueStore, 'read'>) => async (): Promise<readonly HeldSlot[]> => {
    const { entries } = await store.read();
    return entries.flatMap((entry) =>
      entry.state === 'started' && entry.startedAs
        ? [{ deployId: entry.startedAs, ownerId: entry.owner.userId, query: entry.query }]
        : [],
    );
  };
