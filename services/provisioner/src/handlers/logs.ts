import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { createPublisher } from '@branch-envs/shared/publish';
import { createConsoleOutput } from '../adapters/consoleOutput';
import { createRunCommand } from '../adapters/runCommand';
import { loadLogsConfig } from '../logsConfig';
import { createClients } from '../wiring';
import { createLogsHandler } from './createLogsHandler';

/** SSM returns at most 24,000 characters of each stream; keep both whole. */
const RUN_COMMAND_OUTPUT_CHARS = 48_000;

/** The Lambda entry point: config and clients once per cold start (ADR 0030). */
const config = loadLogsConfig();
const { provisioner } = config;
const clients = createClients(provisioner);
const repository = createDeploymentRepository({
  client: clients.documents,
  tableName: provisioner.deploymentsTable,
});
const publisher = createPublisher({
  client: clients.eventBridge,
  busName: provisioner.eventBusName,
  producer: 'provisioner',
});

export const handler = createLogsHandler({
  ports: {
    records: {
      get: async (deployId) => {
        const item = await repository.get(deployId);
        return item?.kind === 'deployment' ? item : undefined;
      },
    },
    commands: createRunCommand(clients.ssm, { outputTailChars: RUN_COMMAND_OUTPUT_CHARS }),
    console: createConsoleOutput(clients.ec2),
    publish: async (data, cause) => {
      await publisher.publish([{ contract: LogsCollected, data, cause }]);
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  },
  settings: config.settings,
  persistenceStore: idempotencyStore(provisioner.idempotencyTable, clients.dynamo),
});
