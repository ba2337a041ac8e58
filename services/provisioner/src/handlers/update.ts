import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { newId } from '@branch-envs/shared/ids';
import { logger } from '@branch-envs/shared/observability';
import { createPublisher } from '@branch-envs/shared/publish';
import { createArtifactLinks } from '../adapters/artifactLinks';
import { createBuildSource } from '../adapters/buildSource';
import { createHealthCheck } from '../adapters/healthCheck';
import { createRunCommand } from '../adapters/runCommand';
import { createUpdateChecks } from '../adapters/updateChecks';
import { createUpdateEvents } from '../adapters/updateEvents';
import { createUpdateStore } from '../adapters/updateStore';
import { loadUpdateConfig } from '../updateConfig';
import { createClients } from '../wiring';
import { createUpdateHandler } from './createUpdateHandler';

/** The Lambda entry point: config and clients once per cold start (ADR 0021). */
const config = loadUpdateConfig();
const { provisioner } = config;
const clients = createClients(provisioner);
const repository = createDeploymentRepository({
  client: clients.documents,
  tableName: provisioner.deploymentsTable,
});

export const handler = createUpdateHandler({
  ports: {
    store: createUpdateStore(clients.documents, provisioner.deploymentsTable, repository),
    commands: createRunCommand(clients.ssm),
    builds: createBuildSource(clients.s3, {
      bucket: config.settings.artifactBucket,
      app: config.settings.app,
      artifacts: config.settings.artifacts,
    }),
    links: createArtifactLinks(clients.s3, provisioner.artifactUrls),
    checks: createUpdateChecks(clients.sqs, config.updatesQueueUrl),
    health: createHealthCheck({
      timeoutMs: provisioner.healthTimeoutMs,
      expectedStatus: provisioner.settings.readiness.expectedStatus,
    }),
    events: createUpdateEvents(
      createPublisher({
        client: clients.eventBridge,
        busName: provisioner.eventBusName,
        producer: 'provisioner',
      }),
    ),
    newId: () => newId(),
    now: () => new Date(),
  },
  settings: config.settings,
  logger,
  persistenceStore: idempotencyStore(provisioner.idempotencyTable, clients.dynamo),
});
