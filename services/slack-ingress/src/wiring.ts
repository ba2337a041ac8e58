import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createQueueStore } from '@branch-envs/shared/deployments/queueStore';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { newId } from '@branch-envs/shared/ids';
import { createPublisher } from '@branch-envs/shared/publish';
import { createSecretReader } from '@branch-envs/shared/secrets';
import { createDeploymentReader } from './adapters/deploymentReader';
import { createLogsRateLimiter } from './adapters/logsRateLimiter';
import { createOpenBranchesReader } from './adapters/openBranchesReader';
import { createRequestRegistry } from './adapters/requestRegistry';
import { createResponsePoster } from './adapters/responseUrl';
import { createSlackModals } from './adapters/slackModals';
import { createSlackGroupDirectory } from './adapters/slackUserGroups';
import type { IngressConfig } from './config';
import { SecretUnavailableError } from './errors';
import type { IngressDependencies } from './handlers/createIngressHandler';

export interface AwsClients {
  eventBridge: EventBridgeClient;
  dynamo: DynamoDBDocumentClient;
  ssm: SSMClient;
}

export interface WiringOptions {
  logger: Logger;
  /** Slack's hosts (response_url, Web API); tests and the local stack substitute their own. */
  fetch?: typeof fetch;
  now?: () => Date;
}

/** The per-user limit on log requests (ADR 0030), when the counters' table is configured. */
const logsLimiterOf = (config: IngressConfig, clients: AwsClients) =>
  config.logsRateLimit
    ? {
        logsLimiter: createLogsRateLimiter(
          clients.dynamo,
          config.logsRateLimit.table,
          config.logsRateLimit.perMinute,
        ),
      }
    : {};

/** Adapters on top of the clients: the one place the handler's ports are wired, for Lambda and tests. */
export const buildDependencies = (
  config: IngressConfig,
  clients: AwsClients,
  { logger, fetch: send = fetch, now = () => new Date() }: WiringOptions,
): IngressDependencies => {
  const { botTokenParam } = config;
  const secrets = createSecretReader(clients.ssm);
  const botToken = botTokenParam
    ? secrets.required(botTokenParam)
    : () => Promise.reject(new SecretUnavailableError('BOT_TOKEN_PARAM (not configured)'));
  const repository = createDeploymentRepository({
    client: clients.dynamo,
    tableName: config.deploymentsTable,
  });
  return {
    settings: config.settings,
    ports: {
      publisher: createPublisher({
        client: clients.eventBridge,
        busName: config.eventBusName,
        producer: 'slack-ingress',
        now,
      }),
      deployments: createDeploymentReader(repository),
      registry: createRequestRegistry(repository, now),
      groups: createSlackGroupDirectory({ apiBase: config.slackApiBase, token: botToken, fetch: send }),
      queue: createQueueStore({ client: clients.dynamo, tableName: config.deploymentsTable }),
      views: createSlackModals({ apiBase: config.slackApiBase, token: botToken, fetch: send }),
      ...logsLimiterOf(config, clients),
      ...(config.resolverCacheTable
        ? {
            openBranches: createOpenBranchesReader(clients.dynamo, config.resolverCacheTable, (error) =>
              logger.warn('open branches unreadable', { error }),
            ),
          }
        : {}),
      now,
      newId: () => newId(now().getTime()),
    },
    signingSecret: secrets.required(config.signingSecretParam),
    responses: createResponsePoster({ hooksOrigin: config.slackHooksOrigin, logger, fetch: send }),
    logger,
  };
};
