import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { createPublisher } from '@branch-envs/shared/publish';
import { createSecretReader } from '@branch-envs/shared/secrets';
import { createDeliveryPublisher } from './adapters/deliveryPublisher';
import type { GithubIngressConfig } from './config';
import type { WebhookDependencies } from './handlers/createWebhookHandler';

export interface AwsClients {
  eventBridge: EventBridgeClient;
  dynamo: DynamoDBClient;
  ssm: SSMClient;
}

/** The one place the handler's ports are wired, for Lambda and for the tests. */
export const buildDependencies = (
  config: GithubIngressConfig,
  clients: AwsClients,
  { logger, now = () => new Date() }: { logger: Logger; now?: () => Date },
): WebhookDependencies => ({
  repository: config.repository,
  webhookSecret: createSecretReader(clients.ssm).required(config.webhookSecretParam),
  deliveries: createDeliveryPublisher({
    publisher: createPublisher({
      client: clients.eventBridge,
      busName: config.eventBusName,
      producer: 'github-ingress',
      now,
    }),
    persistenceStore: idempotencyStore(config.idempotencyTable, clients.dynamo),
    now,
  }),
  logger,
});
