import { createEventConsumer } from '@branch-envs/shared/consumer';
import { contractsConsumedBy } from '@branch-envs/shared/events';
import { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { idempotencyStore } from '@branch-envs/shared/idempotency';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { handleExtendRequested } from '../domain/extendRequest';
import { runNightly } from '../domain/nightly';
import type { ReaperDeps } from '../domain/ports';
import { runReconciliation } from '../domain/reconcile';
import { runSweep } from '../domain/sweep';
import { handleTerminateRequested } from '../domain/terminateRequest';
import type { TerminationReport } from '../domain/terminations';
import type { Runtime } from '../runtime';

/** A report without its error objects (logged, not returned: they do not serialise). */
const counts = ({ errors: _errors, ...rest }: TerminationReport) => rest;

/** Flushes metrics whatever happens; errors propagate so the invocation is marked failed. */
const flushing =
  <A extends unknown[], R>(rt: Runtime, fn: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      rt.deps.log.error('Reaper run failed', { error });
      throw error;
    } finally {
      rt.flush();
    }
  };

export const sweepHandler = (rt: Runtime) =>
  flushing(rt, async () => {
    const summary = await runSweep(rt.deps);
    const result = { ...summary, expired: counts(summary.expired), resumed: counts(summary.resumed) };
    rt.deps.log.info('Sweep done', result);
    return result;
  });

/**
 * Scheduler's input is `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`. A manual or local
 * invocation may pass `{}` or the placeholder unsubstituted: then the run is treated as on time.
 */
const NightlyInput = z.object({ scheduledTime: z.string().optional() }).loose();

export const scheduledTimeOf = (event: unknown): Date | undefined => {
  const parsed = NightlyInput.safeParse(event);
  const text = parsed.success ? parsed.data.scheduledTime : undefined;
  const at = text && z.iso.datetime({ offset: true }).safeParse(text).success ? new Date(text) : undefined;
  return at;
};

export const nightlyHandler = (rt: Runtime) =>
  flushing(rt, async (event: unknown) => {
    const summary = await runNightly(rt.deps, scheduledTimeOf(event));
    const result = summary.ran ? { ...summary, report: counts(summary.report) } : summary;
    rt.deps.log.info('Nightly run done', result);
    return result;
  });

export const reconcileHandler = (rt: Runtime) =>
  flushing(rt, async () => {
    const summary = await runReconciliation(rt.deps);
    const result = { ...summary, instanceGone: counts(summary.instanceGone) };
    rt.deps.log.info('Reconciliation done', result);
    return result;
  });

/**
 * TerminateRequested and ExtendRequested from the reaper's queue: idempotent on
 * `metadata.eventId`, partial batch responses, and the per-event logger for the domain.
 */
export const requestsHandler = (
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
          : await handleExtendRequested(event.detail, deps);
      logger.info(`Handled ${event.detailType}`, { outcome: outcome.kind });
    },
  });
  return flushing(rt, consume);
};
