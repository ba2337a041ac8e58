import * as z from 'zod';
import { cancelQueued, type QueueRun, runQueue } from '../domain/deployQueue';
import { runNightly } from '../domain/nightly';
import type { ReaperDeps } from '../domain/ports';
import { runReconciliation } from '../domain/reconcile';
import { runSweep } from '../domain/sweep';
import type { Runtime } from '../wiring';
import { counts, flushing } from './flushing';

/** The scheduled runs: the TTL sweep, the nightly shutdown and the orphan reconciliation. */

/**
 * A pass over the deploy queue after the sweep or a termination freed slots. A failed pass is
 * logged, not thrown: the queue item is unchanged or complete, and the next minute's sweep runs it again.
 */
export const passOverQueue = async (deps: ReaperDeps): Promise<Partial<Record<keyof QueueRun, number>>> => {
  if (!deps.queue) return {};
  try {
    const run = await runQueue(deps, deps.queue);
    return { started: run.started.length, expired: run.expired.length };
  } catch (error) {
    deps.telemetry.count('QueueRunsFailed');
    deps.log.error('The pass over the deploy queue failed', { error });
    return {};
  }
};

export const createSweepHandler = (rt: Runtime) =>
  flushing(rt, async () => {
    const summary = await runSweep(rt.deps);
    const queue = await passOverQueue(rt.deps);
    const result = {
      ...summary,
      expired: counts(summary.expired),
      resumed: counts(summary.resumed),
      queue,
    };
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

/**
 * Cancels every waiting entry for the nightly run. A failure is logged, not thrown: entries already
 * marked ended are announced and removed by the next sweep's pass; unmarked ones wait as before.
 */
const cancelQueuedTonight = async (deps: ReaperDeps): Promise<number> => {
  if (!deps.queue) return 0;
  try {
    return (await cancelQueued(deps, deps.queue, () => true)).length;
  } catch (error) {
    deps.telemetry.count('QueueRunsFailed');
    deps.log.error('Cancelling the queued requests for the night failed', { error });
    return 0;
  }
};

export const createNightlyHandler = (rt: Runtime) =>
  flushing(rt, async (event: unknown) => {
    const summary = await runNightly(rt.deps, scheduledTimeOf(event));
    // The nightly run ends every environment not kept overnight; nobody should wake up to a queued one.
    const cancelled = summary.ran ? await cancelQueuedTonight(rt.deps) : 0;
    const result = summary.ran
      ? { ...summary, report: counts(summary.report), queueCancelled: cancelled }
      : summary;
    rt.deps.log.info('Nightly run done', result);
    return result;
  });

export const createReconcileHandler = (rt: Runtime) =>
  flushing(rt, async () => {
    const summary = await runReconciliation(rt.deps);
    const result = { ...summary, instanceGone: counts(summary.instanceGone) };
    rt.deps.log.info('Reconciliation done', result);
    return result;
  });
