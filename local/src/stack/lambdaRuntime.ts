import type { SQSClient } from '@aws-sdk/client-sqs';
import { FunctionHost, type FunctionLog, type InvokeResult } from '../runner/functionHost';
import { type HttpRoute, startHttpApi } from '../runner/httpApi';
import type { BodyEncoding } from '../runner/httpEvent';
import { ScheduleClock } from '../runner/scheduleClock';
import { type BatchSummary, SqsPoller } from '../runner/sqsPoller';
import type { LocalServer } from '../standins/httpServer';
import type { AppliedStack } from '../templates/templateApplier';

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

const createHosts = (options: LambdaRuntimeOptions): Map<string, FunctionHost> => {
  const hosts = new Map<string, FunctionHost>();
  for (const fn of options.stacks.flatMap((s) => s.functions)) {
    const env = options.environmentOf(fn);
    hosts.set(
      fn.name,
      new FunctionHost({
        fn,
        env,
        region: options.region,
        accountId: options.accountId,
        log: options.functionLog,
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

/** Builds a host per function, a poller per event source mapping, the schedule clock and the HTTP API. */
export const startLambdaRuntime = async (options: LambdaRuntimeOptions): Promise<LambdaRuntime> => {
  const hosts = createHosts(options);
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
