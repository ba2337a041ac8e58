import { UnknownScheduleError } from '../runner/scheduleClock';
import { type Answer, type LocalServer, listen, send } from '../standins/httpServer';
import type { ResourceReport } from '../templates/templateApplier';
import type { LambdaRuntime } from './lambdaRuntime';

const fireSchedule = async (runtime: LambdaRuntime, name: string): Promise<Answer> => {
  try {
    const results = await runtime.clock.fire(name);
    const fired = results.map(({ schedule, result }) => ({
      id: schedule.id,
      functionName: schedule.functionName,
      ok: result.ok,
      durationMs: result.durationMs,
      error: result.ok ? undefined : result.error,
      // What the handler returned: the reaper's runs return their counts, which `local fire` prints.
      value: result.ok ? result.value : undefined,
    }));
    return { status: 200, body: { fired } };
  } catch (error) {
    return {
      status: error instanceof UnknownScheduleError ? 404 : 500,
      body: { error: (error as Error).message },
    };
  }
};

/**
 * A loopback endpoint for the CLI and tests to drive the running stack: list and fire schedules,
 * list functions, what the applier did with every template resource, and the stacks' exports (what
 * CloudFormation would list as outputs; `branch-envs ops doctor --local` checks them).
 */
export const startControlServer = (
  runtime: LambdaRuntime,
  report: ResourceReport[],
  port?: number,
  exports: Record<string, string> = {},
): Promise<LocalServer> => {
  const reads: Record<string, () => unknown> = {
    '/schedules': () => ({ schedules: runtime.clock.list() }),
    '/functions': () => ({ functions: [...runtime.hosts.keys()] }),
    '/resources': () => ({ resources: report }),
    '/exports': () => ({ exports }),
    '/health': () => ({ ok: true }),
  };
  return listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://control').pathname;
    const fire = /^\/schedules\/([^/]+)\/fire$/.exec(path);
    if (req.method === 'POST' && fire?.[1]) {
      void fireSchedule(runtime, decodeURIComponent(fire[1])).then((answer) => send(res, answer));
      return;
    }
    const read = req.method === 'GET' ? reads[path] : undefined;
    send(res, read ? { status: 200, body: read() } : { status: 404, body: { error: 'not found' } });
  }, port);
};
