import { createEventConsumer } from '@branch-envs/shared/consumer';
import { contractsConsumedBy } from '@branch-envs/shared/events';
import type { Job } from '../domain/provision/job';

export interface ProvisionHandlerOptions {
  provisioner: { handle(job: Job): Promise<void> };
  /** Where handled eventIds are remembered: the platform's idempotency table. */
  persistenceStore: Parameters<typeof createEventConsumer>[0]['persistenceStore'];
}

/**
 * The `provision` function: BranchResolved from the service's queue, parsed against its contract
 * and run once per `metadata.eventId`; failures go back to the queue as partial batch responses.
 */
export const createProvisionHandler = ({ provisioner, persistenceStore }: ProvisionHandlerOptions) =>
  createEventConsumer({
    contracts: contractsConsumedBy('provisioner'),
    persistenceStore,
    handler: async (event, { logger }) => {
      const log = logger.createChild({ persistentKeys: { deployId: event.detail.data.deployId } });
      await provisioner.handle({ detail: event.detail, log });
    },
  });
