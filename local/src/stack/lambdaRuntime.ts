import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { FunctionHost, type FunctionLog, type InvokeResult } from '../runner/functionHost';
import { bundleWorkers, type WorkerBundles } from '../runner/handlerBundles';
import { type HttpRoute, startHttpApi } from '../runner/httpApi';
import type { BodyEncoding } from '../runner/httpEvent';
import { ScheduleClock } from '../runner/scheduleClock';
import { type BatchSummary, SqsPoller } from '../runner/sqsPoller';
import type { LocalServer } from '../standins/httpServer';
import { REPO_ROOT } from '../templates/packaging';
import type { AppliedStack } from '../templates/templateApplier';

/** Where the worker bundles go (content-hashed names, so stacks of one tree share them). */
export const BUNDLE_DIR = join(REPO_ROOT, '.local-state', 'bundles');

export interface LambdaRuntimeOptions {
  stacks: AppliedStack[];
  environmentOf(fn: AppliedStack['functions'][number]): Record<string, string>;
  sqs: SQSClient;
  region: string;
  accountId: string;
  httpPort: number;
  bodyEncoding: BodyEncoding;
  maxVisibilitySeconds: number;
  /** Concurrent invocations per function (FunctionHost's default when absent). */
  maxConcurrency?: number;
  /** Start workers from esbuild bundles (default true, ADR 0016); false runs the sources through tsx. */
  bundles?: boolean;
  functionLog: FunctionLog;
  log(line: string): void;
}

/** The runner's part of the local stack: every function, its triggers and the HTTP API. */
export interface LambdaRuntime {
  hosts: Map<string, FunctionHost>;
  clock: ScheduleClock;
  http: LocalServer;
  invoke(functionName: string, event: unknown): Promise<InvokeResult>;
  startPolling(): void;
  stop(): Promise<void>;
}

export class UnknownFunctionError extends Error {
  public constructor(name: string) {
    super(`No function named ${name} in the applied templates`);
    this.name = 'UnknownFunctionError';
  }
}

const describeBatch = (summary: BatchSummary): string | undefined => {
  if (summary.error) return `${summary.received} message(s) not deleted: ${summary.error}`;
  if (summary.received === 0) return undefined;
  const kept = summary.received - summary.deleted;
  return `SQS batch of ${summary.received}: ${summary.deleted} done${kept > 0 ? `, ${kept} reported failed (retried after the visibility timeout)` : ''}`;
};

const routesOf = (options: LambdaRuntimeOptions, invoke: LambdaRuntime['invoke']): HttpRoute[] => {
  const seen = new Map<string, string>();
  return options.stacks.flatMap((stack) =>
    stack.routes.map((binding) => {
      const owner = seen.get(binding.routeKey);
      if (owner)
        throw new Error(`Route ${binding.routeKey} is defined by both ${owner} and ${stack.stackName}`);
      seen.set(binding.routeKey, stack.stackName);
      if (binding.payloadFormatVersion !== '2.0')
        options.log(
          `warning: ${binding.routeKey} uses payload ${binding.payloadFormatVersion}; the local HTTP API sends 2.0`,
        );
      return { binding, invoke: (event: unknown) => invoke(binding.functionName, event) };
    }),
  );
};

const createHosts = (options: LambdaRuntimeOptions, bundles?: WorkerBundles): Map<string, FunctionHost> => {
  const hosts = new Map<string, FunctionHost>();
  for (const fn of options.stacks.flatMap((s) => s.functions)) {
    const env = options.environmentOf(fn);
    const handler = bundles?.handlers.get(fn.handlerFile);
    hosts.set(
      fn.name,
      new FunctionHost({
        fn,
        env,
        region: options.region,
        accountId: options.accountId,
        log: options.functionLog,
        ...(bundles && handler ? { bundle: { worker: bundles.worker, handler } } : {}),
        ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
      }),
    );
  }
  return hosts;
};

const createPollers = (options: LambdaRuntimeOptions, invoke: LambdaRuntime['invoke']): SqsPoller[] =>
  options.stacks.flatMap((stack) =>
    stack.queues.map(
      (binding) =>
        new SqsPoller({
          binding,
          sqs: options.sqs,
          region: options.region,
          invoke: (event) => invoke(binding.functionName, event),
          maxVisibilitySeconds: options.maxVisibilitySeconds,
          onBatch: (summary) => {
            const line = describeBatch(summary);
            if (line) options.functionLog(summary.functionName, line, 'runner');
          },
        }),
    ),
  );

const createClock = (options: LambdaRuntimeOptions, invoke: LambdaRuntime['invoke']): ScheduleClock =>
  new ScheduleClock({
    schedules: options.stacks.flatMap((s) => s.schedules),
    region: options.region,
    accountId: options.accountId,
    invoke,
    onFire: (schedule, result) => {
      const outcome = result.ok ? '' : `: ${result.error.errorMessage}`;
      options.functionLog(schedule.functionName, `schedule ${schedule.id} fired${outcome}`, 'runner');
    },
  });

const bundlesFor = async (options: LambdaRuntimeOptions): Promise<WorkerBundles | undefined> => {
  if (options.bundles === false) return undefined;
  const bundles = await bundleWorkers(
    options.stacks.flatMap((s) => s.functions),
    BUNDLE_DIR,
    REPO_ROOT,
  );
  options.log(`bundled ${bundles.handlers.size} handler(s) with esbuild in ${bundles.buildMs} ms`);
  return bundles;
};

/** Builds a host per function, a poller per event source mapping, the schedule clock and the HTTP API. */
export const startLambdaRuntime = async (options: LambdaRuntimeOptions): Promise<LambdaRuntime> => {
  const hosts = createHosts(options, await bundlesFor(options));
  const invoke = (functionName: string, event: unknown): Promise<InvokeResult> => {
    const host = hosts.get(functionName);
    return host ? host.invoke(event) : Promise.reject(new UnknownFunctionError(functionName));
  };
  const pollers = createPollers(options, invoke);
  const clock = createClock(options, invoke);
  const http = await startHttpApi({
    routes: routesOf(options, invoke),
    port: options.httpPort,
    encoding: options.bodyEncoding,
    onRequest: (line) => options.log(`http ${line}`),
  });
  return {
    hosts,
    clock,
    http,
    invoke,
    startPolling: () => {
      for (const poller of pollers) poller.start();
    },
    stop: async () => {
      clock.stop();
      await Promise.all(pollers.map((p) => p.stop()));
      await http.stop();
      await Promise.all([...hosts.values()].map((h) => h.stop()));
    },
  };
};
