import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';

/**
 * An idempotency store in memory, for unit tests of consumers: Powertools' cache layer over a Map
 * that honours `NX` (set only if absent), which is all the layer's in-progress lock relies on.
 */
export const memoryPersistenceStore = (): CachePersistenceLayer => {
  const items = new Map<string, string>();
  return new CachePersistenceLayer({
    client: {
      get: async (name) => items.get(name) ?? null,
      set: async (name, value, options) => {
        const key = String(name);
        if ((options as { NX?: boolean } | undefined)?.NX && items.has(key)) return null;
        items.set(key, String(value));
        return 'OK';
      },
      del: async (keys) => keys.filter((key) => items.delete(key)).length,
    },
  });
};
