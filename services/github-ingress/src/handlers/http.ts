import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { logger } from '@branch-envs/shared/observability';
import { loadGithubIngressConfig } from '../config';
import { buildDependencies } from '../wiring';
import { createWebhookHandler } from './createWebhookHandler';

/**
 * The Lambda entry point: config and clients once per cold start (STYLE §4). GitHub waits 10 s for
 * an answer; short SDK timeouts and one retry keep a slow call well inside that.
 */
const config = loadGithubIngressConfig();
const clientOptions = { maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 2500 } };
const dependencies = buildDependencies(
  config,
  {
    eventBridge: new EventBridgeClient(clientOptions),
    dynamo: new DynamoDBClient(clientOptions),
    ssm: new SSMClient(clientOptions),
  },
  { logger },
);

// Read the secret during init so the first delivery need not wait; a failure is not cached.
dependencies.webhookSecret().catch(() => undefined);

export const handler = createWebhookHandler(dependencies);
