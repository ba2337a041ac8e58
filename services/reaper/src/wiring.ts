import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createQueueStore } from '@branch-envs/shared/deployments/queueStore';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { metrics, logger as rootLogger } from '@branch-envs/shared/observability';
import { createPublisher } from '@branch-envs/shared/publish';
import { createDeploymentStore } from './adapters/deploymentStore';
import { createEc2Fleet } from './adapters/ec2Fleet';
import { createTelemetry } from './adapters/telemetry';
import { loadReaperConfig, type ReaperConfig } from './config';
import { PRODUCER } from './domain/causes';
import type { QueuePorts } from './domain/deployQueue';
import type { ReaperDeps } from './domain/ports';

export interface Clients {
  dynamo: DynamoDBClient;
  eventBridge: EventBridgeClient;
  ec2: EC2Client;
}

export interface Runtime {
  config: ReaperConfig;
  clients: Clients;
  deps: ReaperDeps;
  /** The Powertools logger; the queue consumer derives its per-event loggers from it. */
  logger: Logger;
  /** Flushes the invocation's metrics; handlers call it once at the end. */
  flush(): void;
}

/**
 * The clients of a Lambda environment. `AWS_ENDPOINT_URL` (local mode) points them all at moto
 * without code changes. EC2 gets no SDK retries: the fleet adapter owns that policy (retry.ts).
 */
export const defaultClients = (): Clients => ({
  dynamo: new DynamoDBClient({}),
  eventBridge: new EventBridgeClient({}),
  ec2: new EC2Client({ maxAttempts: 1 }),
});

const queuePorts = (documents: DynamoDBDocumentClient, config: ReaperConfig): QueuePorts => {
  const tableName = config.deploymentsTable;
  const repository = createDeploymentRepository({ client: documents, tableName });
  return {
    store: createQueueStore({ client: documents, tableName }),
    limits: config.quota,
    openRequest: async (record) => (await repository.create(record)).created,
  };
};

/** Wires config and clients into the domain's ports. Tests call it with moto clients. */
export const createRuntime = (
  config: ReaperConfig,
  clients: Clients,
  { logger = rootLogger, ...overrides }: Partial<ReaperDeps> & { logger?: Logger } = {},
): Runtime => {
  const documents = DynamoDBDocumentClient.from(clients.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const telemetry = createTelemetry(metrics);
  const fleet = createEc2Fleet({
    client: clients.ec2,
    batchSize: config.terminateBatchSize,
    ...(config.reconcileStageTag ? { scopeTag: { key: config.reconcileStageTag, value: config.stage } } : {}),
    onRetry: (operation, error, attempt) => {
      telemetry.count('Ec2Retries');
      logger.warn('Retrying an EC2 call', { operation, attempt, error: (error as Error).name });
    },
    onFailure: (operation, error, instanceIds) =>
      logger.error('EC2 call failed', { operation, error, instanceIds }),
  });
  const deps: ReaperDeps = {
    deployments: createDeploymentStore({ client: documents, tableName: config.deploymentsTable }),
    fleet,
    publisher: createPublisher({
      client: clients.eventBridge,
      busName: config.eventBusName,
      producer: PRODUCER,
    }),
    policy: config.policy,
    clock: () => new Date(),
    telemetry,
    log: logger,
    queue: queuePorts(documents, config),
    ...overrides,
  };
  return { config, clients, deps, logger, flush: () => telemetry.flush() };
};

let current: Runtime | undefined;

/** The Lambda environment's runtime, built on first use at module scope (cold start) and reused. */
export const runtime = (): Runtime => {
  current ??= createRuntime(loadReaperConfig(), defaultClients());
  return current;
};
