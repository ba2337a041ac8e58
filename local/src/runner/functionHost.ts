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

export interface FunctionHostOptions {
  fn: LocalFunction;
  env: Record<string, string>;
  region: string;
  accountId: string;
  log: FunctionLog;
}

const WORKER_FILE = join(__dirname, 'lambdaWorker.ts');
// tsx's loader makes the worker import TypeScript handler modules exactly as they are in the repo.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

interface Worker {
  child: ChildProcess;
  ready: Promise<LambdaError | undefined>;
  pending?: { id: string; settle: (result: InvokeResult) => void; started: number };
}

/**
 * Plays Lambda for one function: a worker process started on first use (a cold start) and kept warm,
 * one invocation at a time as in a single Lambda execution environment, the function's timeout
 * enforced by killing the worker (the next invocation starts a fresh one), and a crash reported as the
 * invocation's error.
 */
export class FunctionHost {
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  public constructor(private readonly options: FunctionHostOptions) {}

  public get name(): string {
    return this.options.fn.name;
  }

  /** Starts the worker now rather than on the first invocation; resolves with the init error, if any. */
  public warm(): Promise<LambdaError | undefined> {
    return this.ensureWorker().ready;
  }

  public invoke(event: unknown): Promise<InvokeResult> {
    const run = this.queue.then(() => this.invokeNow(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await killWorker(worker.child);
  }

  private ensureWorker(): Worker {
    if (this.worker && this.worker.child.exitCode === null && this.worker.child.signalCode === null)
      return this.worker;
    const { fn, env, log } = this.options;
    const child = fork(WORKER_FILE, [fn.handlerFile, fn.handlerExport], {
      cwd: fn.serviceDir,
      env,
      execArgv: ['--import', TSX_LOADER],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (source) createInterface({ input: source }).on('line', (line) => log(fn.name, line, stream));
    }
    const worker: Worker = { child, ready: Promise.resolve(undefined) };
    worker.ready = new Promise((resolve) => {
      child.on('message', (message: WorkerMessage) => this.onMessage(worker, message, resolve));
      child.once('exit', (code, signal) => this.onExit(worker, code, signal, resolve));
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(
    worker: Worker,
    message: WorkerMessage,
    ready: (error: LambdaError | undefined) => void,
  ): void {
    const { fn, log } = this.options;
    if (message.type === 'ready') {
      log(fn.name, `INIT ${message.initMs} ms`, 'runner');
      ready(undefined);
    } else if (message.type === 'initError') {
      log(fn.name, `INIT failed: ${message.error.errorType}: ${message.error.errorMessage}`, 'runner');
      ready(message.error);
      void killWorker(worker.child);
    } else if (worker.pending?.id === message.id) {
      const { settle, started } = worker.pending;
      worker.pending = undefined;
      const durationMs = Date.now() - started;
      settle(
        message.ok
          ? { ok: true, value: message.value, durationMs }
          : { ok: false, error: message.error, durationMs },
      );
    }
  }

  private onExit(
    worker: Worker,
    code: number | null,
    signal: string | null,
    ready: (error: LambdaError | undefined) => void,
  ): void {
    const error: LambdaError = {
      errorType: 'Runtime.ExitError',
      errorMessage: `worker exited (code ${code}, signal ${signal})`,
    };
    ready(error);
    if (worker.pending) {
      const { settle, started } = worker.pending;
      worker.pending = undefined;
      settle({ ok: false, error, durationMs: Date.now() - started });
    }
    if (this.worker === worker) this.worker = undefined;
  }

  private async invokeNow(event: unknown): Promise<InvokeResult> {
    if (this.stopped) return failure('Runtime.Stopped', 'the local stack is stopping', 0);
    const worker = this.ensureWorker();
    const initError = await worker.ready;
    if (initError) return { ok: false, error: initError, durationMs: 0 };
    return this.runOn(worker, event);
  }

  /** Sends one invocation to a ready worker, enforcing the function's timeout as Lambda does. */
  private runOn(worker: Worker, event: unknown): Promise<InvokeResult> {
    const { fn, region, accountId } = this.options;
    const timeoutMs = fn.timeoutSeconds * 1000;
    const id = randomUUID();
    return new Promise<InvokeResult>((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => {
        worker.pending = undefined;
        // Forget the worker now: the next invocation must not reach it while it is being killed.
        if (this.worker === worker) this.worker = undefined;
        const message = `Task timed out after ${fn.timeoutSeconds}.00 seconds`;
        this.options.log(fn.name, message, 'runner');
        void killWorker(worker.child);
        resolve(failure('Sandbox.Timedout', message, timeoutMs));
      }, timeoutMs);
      const settle = (result: InvokeResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      worker.pending = { id, started, settle };
      const invokedFunctionArn = `arn:aws:lambda:${region}:${accountId}:function:${fn.name}`;
      worker.child.send({
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

const failure = (errorType: string, errorMessage: string, durationMs: number): InvokeResult => ({
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
