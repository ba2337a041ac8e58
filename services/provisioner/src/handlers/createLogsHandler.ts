import { createEventConsumer } from '@branch-envs/shared/consumer';
import { contractsConsumedBy } from '@branch-envs/shared/events';
import { collectLogs } from '../domain/logs/collectLogs';
import type { LogsPorts, LogsSettings } from '../domain/logs/ports';

export interface LogsHandlerOptions {
  ports: LogsPorts;
  settings: LogsSettings;
  persistenceStore: Parameters<typeof createEventConsumer>[0]['persistenceStore'];
}

/**
 * The `logs` function: LogsRequested from its own queue, once per eventId; a failure (SSM or EC2
 * throttled, the secrets unreadable) goes back to the queue as a partial batch response.
 */
export const createLogsHandler = ({ ports, settings, persistenceStore }: LogsHandlerOptions) =>
  createEventConsumer({
    contracts: contractsConsumedBy('provisioner', 'logs'),
    persistenceStore,
    handler: async (event, { logger }) => {
      const log = logger.createChild({ persistentKeys: { deployId: event.detail.data.deployId } });
      await collectLogs(event.detail.data, event.detail.metadata, { ports, settings, log });
    },
  });
