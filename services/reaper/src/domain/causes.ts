import type { EventMetadata } from '@branch-envs/shared/envelope';
import { derivedId } from '@branch-envs/shared/ids';

export const PRODUCER = 'reaper';

/**
 * The cause of an event the reaper publishes on its own (a sweep, the nightly run, reconciliation),
 * where no incoming event exists. Its id is derived from the deployment and the decision, so a
 * retried or overlapping run publishes the same eventIds and consumers drop the copies.
 */
export const scheduledCause = (deployId: string, decision: string, at: Date): EventMetadata => {
  const eventId = derivedId(deployId, PRODUCER, decision);
  return {
    eventId,
    schemaVersion: 1,
    correlationId: deployId,
    causationId: eventId,
    occurredAt: at.toISOString(),
    producer: `branch-envs.${PRODUCER}`,
  };
};
