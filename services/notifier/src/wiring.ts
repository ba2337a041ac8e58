import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import { logger as rootLogger } from '@branch-envs/shared/observability';
import { createSecretReader } from '@branch-envs/shared/secrets';
import { GithubDeploymentsGateway } from './adapters/githubGateway';
import { DynamoMessageStore } from './adapters/messageStore';
import { SlackWebGateway } from './adapters/slackGateway';
import { cloudWatchTelemetry } from './adapters/telemetry';
import type { NotifierConfig } from './config';
import type { Clock, NotifierPorts, Telemetry } from './domain/ports';
import { createNotifyHandler } from './handlers/createNotifyHandler';

export interface NotifierDependencies {
  config: NotifierConfig;
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  ssm: SSMClient;
  logger?: Logger;
  clock?: Clock;
  telemetry?: Telemetry;
  fetch?: typeof fetch;
}

const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Builds the ports once per cold start: secrets are read lazily, then cached for the container. */
export const createPorts = (deps: NotifierDependencies): NotifierPorts => {
  const { config, ssm } = deps;
  const logger = deps.logger ?? rootLogger;
  const clock = deps.clock ?? systemClock;
  const secrets = createSecretReader(ssm);
  const webhookParam = secrets.optional(config.webhookParam);
  const webhookUrl = async () => config.webhookUrl ?? (await webhookParam());
  return {
    store: new DynamoMessageStore(deps.documents, config.notifierTable),
    slack: new SlackWebGateway({
      hooksOrigin: config.slackHooksOrigin,
      apiBase: config.slackApiBase,
      botToken: secrets.optional(config.botTokenParam),
      webhookUrl,
      logger,
      fetch: deps.fetch,
      sleep: clock.sleep,
    }),
    github: new GithubDeploymentsGateway({
      settings: config.github,
      token: secrets.optional(config.github?.tokenParam),
      fetch: deps.fetch,
    }),
    clock,
    telemetry: deps.telemetry ?? cloudWatchTelemetry(),
    visibility: config.visibility,
    nightly: config.nightly,
  };
};

/** The notify handler on its ports: the one place Lambda and the tests wire it. */
export const buildNotifyHandler = (deps: NotifierDependencies) =>
  createNotifyHandler({
    ports: createPorts(deps),
    persistenceStore: idempotencyStore(deps.config.idempotencyTable, deps.dynamo),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
