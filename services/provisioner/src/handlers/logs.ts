import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { createLogsPorts } from '../adapters/logsPorts';
import { loadLogsConfig } from '../logsConfig';
import { createClients } from '../wiring';
import { createLogsHandler } from './createLogsHandler';

/** The Lambda entry point: config and clients once per cold start (ADR 0030). */
const config = loadLogsConfig();
const { provisioner } = config;
const clients = createClients(provisioner);

export const handler = createLogsHandler({
  ports: createLogsPorts(clients, provisioner),
  settings: config.settings,
  persistenceStore: idempotencyStore(provisioner.idempotencyTable, clients.dynamo),
});
