import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import { createPublisher } from '@branch-envs/shared/publish';
import type { LogsPorts } from '../domain/logs/ports';
import type { Clients } from '../wiring';
import { createConsoleOutput } from './consoleOutput';
import { createRunCommand } from './runCommand';

/** SSM returns at most 24,000 characters of each stream; keep both whole. */
const RUN_COMMAND_OUTPUT_CHARS = 48_000;

/** The logs function's ports on the SDK clients (ADR 0030): the one place Lambda and the tests wire them. */
export const createLogsPorts = (
  clients: Clients,
  names: { deploymentsTable: string; eventBusName: string },
): LogsPorts => {
  const repository = createDeploymentRepository({
    client: clients.documents,
    tableName: names.deploymentsTable,
  });
  const publisher = createPublisher({
    client: clients.eventBridge,
    busName: names.eventBusName,
    producer: 'provisioner',
  });
  return {
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
  };
};
