import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createEventConsumer } from '@branch-envs/shared/consumer';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { notify } from '../domain/notify';
import { NOTIFIER_CONTRACTS, planFor } from '../domain/plan';
import type { NotifierPorts } from '../domain/ports';
import { SlackApiError } from '../errors';

/** Errors reach the log once here, with the deployId, and are re-thrown so SQS retries them. */
const logFailure = (log: Logger, error: unknown): void => {
  if (error instanceof SlackApiError) {
    log.error('Slack refused the message; the record goes to the DLQ once its retries are spent', {
      slackMethod: error.method,
      slackError: error.slackError,
      ...(error.scopes ? { neededScope: error.scopes.needed, providedScopes: error.scopes.provided } : {}),
      reason: error.message,
    });
    return;
  }
  log.warn('notification failed; the record will be retried', { error });
};

/**
 * The SQS handler: parse (contracts), skip what was handled (eventId), plan, notify. Records fail
 * one by one as partial batch responses, so one bad message never holds up the others.
 */
export const createNotifyHandler = (deps: {
  ports: NotifierPorts;
  persistenceStore: BasePersistenceLayer;
  logger?: Logger;
}): ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
  const { ports } = deps;
  return createEventConsumer({
    contracts: NOTIFIER_CONTRACTS,
    persistenceStore: deps.persistenceStore,
    // In order within a batch: a deployment's message moves forward one state at a time. The lease
    // and state rank in the message store still order concurrent invocations.
    sequential: true,
    logger: deps.logger,
    handler: async (event, { logger, lambdaContext }) => {
      const plan = planFor(event, { now: ports.clock.now(), nightly: ports.nightly });
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
