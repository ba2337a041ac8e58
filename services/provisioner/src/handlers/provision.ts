import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { loadProvisionerConfig } from '../config';
import { createProvisioner } from '../domain/provision/provisioner';
import { createClients, provisionerPorts } from '../wiring';
import { createProvisionHandler } from './createProvisionHandler';

/** The Lambda entry point: config, clients and the cloud-init profile once per cold start. */
const config = loadProvisionerConfig();
const clients = createClients(config);

export const handler = createProvisionHandler({
  provisioner: createProvisioner(provisionerPorts(config, clients), config.settings),
  persistenceStore: idempotencyStore(config.idempotencyTable, clients.dynamo),
});
