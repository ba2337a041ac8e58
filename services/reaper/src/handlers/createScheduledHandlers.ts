import * as z from 'zod';
import { runNightly } from '../domain/nightly';
import { runReconciliation } from '../domain/reconcile';
import { runSweep } from '../domain/sweep';
import type { Runtime } from '../wiring';
import { counts, flushing } from './flushing';

/** The scheduled runs: the TTL sweep, the nightly shutdown and the orphan reconciliation. */

export const createSweepHandler = (rt: Runtime) =>
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

export const createNightlyHandler = (rt: Runtime) =>
  flushing(rt, async (event: unknown) => {
    const summary = await runNightly(rt.deps, scheduledTimeOf(event));
    const result = summary.ran ? { ...summary, report: counts(summary.report) } : summary;
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
