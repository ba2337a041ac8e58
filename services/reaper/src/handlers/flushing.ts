import type { TerminationReport } from '../domain/terminations';
import type { Runtime } from '../wiring';

/** A report without its error objects (logged, not returned: they do not serialise). */
export const counts = ({ errors: _errors, ...rest }: TerminationReport) => rest;

/** Flushes metrics whatever happens; errors propagate so the invocation is marked failed. */
export const flushing =
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
