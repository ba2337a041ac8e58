import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { LocalFunction } from '../templates/runtimeBindings';
import type { LambdaError, WorkerMessage } from './workerProtocol';

export type InvokeResult =
  | { ok: true; value: unknown; durationMs: number }
  | { ok: false; error: LambdaError; durationMs: number };

/** Where a function's output and the runner's notes about it go (the terminal, a file, a test's buffer). */
export type FunctionLog = (
  functionName: string,
  line: string,
  stream: 'stdout' | 'stderr' | 'runner',
) => void;

export interface EnvironmentOptions {
  fn: LocalFunction;
  env: Record<string, string>;
  region: string;
  accountId: string;
  log: FunctionLog;
  /** Start from these bundles (ADR 0016) instead of the TypeScript sources through tsx. */
  bundle?: { worker: string; handler: string };
}

const WORKER_FILE = join(__dirname, 'lambdaWorker.ts');
// tsx's loader makes the worker import TypeScript handler modules exactly as they are in the repo.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/** The worker's entry file, argv and Node flags: from the bundles when given, else the sources via tsx. */
const workerLaunch = ({ fn, bundle }: EnvironmentOptions) =>
  bundle
    ? { file: bundle.worker, args: [bundle.handler, fn.handlerExport], execArgv: ['--enable-source-maps'] }
    : { file: WORKER_FILE, args: [fn.handlerFile, fn.handlerExport], execArgv: ['--import', TSX_LOADER] };

type Pending = { id: string; settle: (result: InvokeResult) => void; started: number };

export const failure = (errorType: string, errorMessage: string, durationMs: number): InvokeResult => ({
  ok: false,
  error: { errorType, errorMessage },
  durationMs,
});

const killWorker = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  });

/**
 * One Lambda execution environment: a worker process started when created (a cold start) and kept
 * warm, one invocation at a time. A timeout kills it, as does an init error; a dead environment is
 * `usable` no more and its pool starts another.
 */
export class ExecutionEnvironment {
  public readonly ready: Promise<LambdaError | undefined>;
  private readonly child: ChildProcess;
  private pending: Pending | undefined;
  private dead = false;
  /** Set once init has failed: every invocation handed this environment gets that error. */
  public initFailed = false;

  public constructor(private readonly options: EnvironmentOptions) {
    const { fn, env, log } = options;
    const { file, args, execArgv } = workerLaunch(options);
    this.child = fork(file, args, {
      cwd: fn.serviceDir,
      env,
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (source) createInterface({ input: source }).on('line', (line) => log(fn.name, line, stream));
    }
    this.ready = new Promise((resolve) => {
      this.child.on('message', (message: WorkerMessage) => this.onMessage(message, resolve));
      this.child.once('exit', (code, signal) => this.onExit(code, signal, resolve));
    });
  }

  /** Alive, and not being killed after a timeout. */
  public get usable(): boolean {
    return !this.dead && this.child.exitCode === null && this.child.signalCode === null;
  }

  public async invoke(event: unknown): Promise<InvokeResult> {
    const initError = await this.ready;
    if (initError) return { ok: false, error: initError, durationMs: 0 };
    if (!this.usable) return failure('Runtime.ExitError', 'the execution environment is gone', 0);
    return this.runOn(event);
  }

  public stop(): Promise<void> {
    this.dead = true;
    return killWorker(this.child);
  }

  private onMessage(message: WorkerMessage, ready: (error: LambdaError | undefined) => void): void {
    const { fn, log } = this.options;
    if (message.type === 'ready') {
      log(fn.name, `INIT ${message.initMs} ms`, 'runner');
      ready(undefined);
    } else if (message.type === 'initError') {
      log(fn.name, `INIT failed: ${message.error.errorType}: ${message.error.errorMessage}`, 'runner');
      this.initFailed = true;
      ready(message.error);
      void this.stop();
    } else if (this.pending?.id === message.id) {
      const { settle, started } = this.pending;
      this.pending = undefined;
      const durationMs = Date.now() - started;
      settle(
        message.ok
          ? { ok: true, value: message.value, durationMs }
          : { ok: false, error: message.error, durationMs },
      );
    }
  }

  private onExit(
    code: number | null,
    signal: string | null,
    ready: (e: LambdaError | undefined) => void,
  ): void {
    this.dead = true;
    const error: LambdaError = {
      errorType: 'Runtime.ExitError',
      errorMessage: `worker exited (code ${code}, signal ${signal})`,
    };
    ready(error);
    if (this.pending) {
      const { settle, started } = this.pending;
      this.pending = undefined;
      settle({ ok: false, error, durationMs: Date.now() - started });
    }
  }

  /** Sends one invocation to the ready worker, enforcing the function's timeout as Lambda does. */
  private runOn(event: unknown): Promise<InvokeResult> {
    const { fn, region, accountId } = this.options;
    const timeoutMs = fn.timeoutSeconds * 1000;
    const id = randomUUID();
    return new Promise<InvokeResult>((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => {
        this.pending = undefined;
        const message = `Task timed out after ${fn.timeoutSeconds}.00 seconds`;
        this.options.log(fn.name, message, 'runner');
        void this.stop();
        resolve(failure('Sandbox.Timedout', message, timeoutMs));
      }, timeoutMs);
      const settle = (result: InvokeResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      this.pending = { id, started, settle };
      const invokedFunctionArn = `arn:aws:lambda:${region}:${accountId}:function:${fn.name}`;
      this.child.send({
        type: 'invoke',
        id,
        event,
        awsRequestId: randomUUID(),
        deadlineMs: started + timeoutMs,
        invokedFunctionArn,
      });
    });
  }
}
