import { createEventConsumer } from '@branch-envs/shared/consumer';
import { contractsConsumedBy } from '@branch-envs/shared/events';
import { PullRequestClosed } from '@branch-envs/shared/events/PullRequestClosed';
import { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleExtendRequested } from '../domain/extendRequest';
import type { ReaperDeps } from '../domain/ports';
import { handlePullRequestClosed } from '../domain/pullRequestClosed';
import { handleTerminateRequested } from '../domain/terminateRequest';
import type { Runtime } from '../wiring';
import { passOverQueue } from './createScheduledHandlers';
import { flushing } from './flushing';

/**
 * TerminateRequested, ExtendRequested and PullRequestClosed from the reaper's queue: idempotent on
 * `metadata.eventId`, partial batch responses, and the per-event logger for the domain.
 */
export const createRequestsHandler = (
  rt: Runtime,
): ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) => {
  const consume = createEventConsumer({
    contracts: contractsConsumedBy('reaper'),
    persistenceStore: idempotencyStore(rt.config.idempotencyTable, rt.clients.dynamo),
    logger: rt.logger,
    handler: async (event, { logger }) => {
      const deps: ReaperDeps = { ...rt.deps, log: logger };
      const outcome =
        event.detailType === TerminateRequested.detailType
          ? await handleTerminateRequested(event.detail, deps)
          : event.detailType === PullRequestClosed.detailType
            ? await handlePullRequestClosed(event.detail, deps)
            : await handleExtendRequested(event.detail, deps);
      logger.info(`Handled ${event.detailType}`, { outcome: outcome.kind });
      if (outcome.kind === 'terminating') await passOverQueue(deps);
    },
  });
  return flushing(rt, consume);
};
