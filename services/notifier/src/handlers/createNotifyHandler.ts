import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEventConsumer, idempotencyStore, logger as rootLogger } from '@branch-envs/shared';
import { createSecretReader } from '@branch-envs/shared/secrets';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { GithubDeploymentsGateway } from '../adapters/githubGateway';
import { DynamoMessageStore } from '../adapters/messageStore';
import { SlackWebGateway } from '../adapters/slackGateway';
import { cloudWatchTelemetry } from '../adapters/telemetry';
import type { NotifierConfig } from '../config';
import { notify } from '../domain/notify';
import { NOTIFIER_CONTRACTS, planFor } from '../domain/plan';
import type { Clock, NotifierPorts, Telemetry } from '../domain/ports';
import { SlackApiError } from '../errors';

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
  };
};

/** Errors reach the log once here, with the deployId, and are re-thrown so SQS retries them. */
const logFailure = (log: Logger, error: unknown): void => {
  if (error instanceof SlackApiError) {
    log.error('Slack refused the message; the record goes to the DLQ once its retries are spent', {
      slackMethod: error.method,
      slackError: error.slackError,
    });
    return;
  }
  log.warn('notification failed; the record will be retried', { error });
};

/**
 * The SQS handler: parse (contracts), skip what was handled (eventId), plan, notify. Records fail
 * one by one as partial batch responses, so one bad message never holds up the others.
 */
export const createNotifyHandler = (
  deps: NotifierDependencies,
): ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
  const ports = createPorts(deps);
  return createEventConsumer({
    contracts: NOTIFIER_CONTRACTS,
    persistenceStore: idempotencyStore(deps.config.idempotencyTable, deps.dynamo),
    // In order within a batch: a deployment's message moves forward one state at a time. The lease
    // and state rank in the message store still order concurrent invocations.
    sequential: true,
    logger: deps.logger,
    handler: async (event, { logger, lambdaContext }) => {
      const plan = planFor(event, ports.clock.now());
      const log = logger.createChild({ persistentKeys: { deployId: plan.deployId } });
      const invocation = {
        eventId: event.detail.metadata.eventId,
        logger: log,
        remainingMs: () => lambdaContext.getRemainingTimeInMillis(),
      };
      try {
        await notify(plan, ports, invocation);
      } catch (error) {
        logFailure(log, error);
        throw error;
      }
    },
  });
};
