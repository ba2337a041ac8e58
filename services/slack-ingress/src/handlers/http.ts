import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logger } from '@branch-envs/shared/observability';
import { loadIngressConfig } from '../config';
import { buildDependencies } from '../wiring';
import { INGRESS_CLIENT_OPTIONS } from './clientOptions';
import { createIngressHandler } from './createIngressHandler';

/**
 * The Lambda entry point: config and clients once per cold start, at module scope (STYLE §4). Slack
 * allows 3 s for an answer, so SDK calls get short timeouts and one retry (clientOptions.ts).
 * `AWS_ENDPOINT_URL` (set by the local stack) points every client at moto.
 */
const config = loadIngressConfig();
const clientOptions = INGRESS_CLIENT_OPTIONS;
const dependencies = buildDependencies(
  config,
  {
    eventBridge: new EventBridgeClient(clientOptions),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions)),
    ssm: new SSMClient(clientOptions),
  },
  { logger },
);

// Start reading the signing secret during init, so the first request need not wait for SSM; a
// failure is not cached, and that request simply tries again.
dependencies.signingSecret().catch(() => undefined);

export const handler = createIngressHandler(dependencies);
