import {
  type EnvironmentOptions,
  ExecutionEnvironment,
  failure,
  type InvokeResult,
} from './executionEnvironment';
import type { LambdaError } from './workerProtocol';

export type { FunctionLog, InvokeResult } from './executionEnvironment';

/**
 * Up to ten environments per function, as issue 17 asks (ADR 0013, amended 2026-12-03);
 * `LOCAL_CONCURRENCY=1` is the fallback on an overloaded machine. Workers start from esbuild bundles
 * (ADR 0016), and the local stack starts several environments of each HTTP function before it reports
 * ready (`prewarm`), so a first burst of slash commands does not wait for cold starts.
 */
export const DEFAULT_CONCURRENCY = 10;

export interface FunctionHostOptions extends EnvironmentOptions {
  /** At most this many invocations at once, each in its own execution environment. */
  maxConcurrency?: number;
  /**
   * Cold starts in progress at once (default 1). Each competes for this machine's cores with the warm
   * environments, which answer a burst's waiting invocations sooner than a fresh one (ADR 0016).
   */
  maxColdStarts?: number;
}

/**
 * Plays Lambda for one function: up to `maxConcurrency` execution environments, each its own worker
 * process running one invocation at a time. A warm idle environment is reused (newest first, as
 * Lambda tends to). When none is idle, the invocation waits for the first environment to free up or
 * finish starting, and another is started for each waiting invocation while under the limit. Unlike
 * Lambda, cold starts in progress at once are bounded (`maxColdStarts`): they compete for this
 * machine's cores with the warm environments (ADR 0013, ADR 0016).
 */
export class FunctionHost {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly busy = new Set<ExecutionEnvironment>();
  private readonly waiting: (() => void)[] = [];
  /** Environments whose worker is still starting (at most `coldStartLimit`). */
  private readonly booting = new Set<ExecutionEnvironment>();
  private stopped = false;

  public constructor(private readonly options: FunctionHostOptions) {}

  public get name(): string {
    return this.options.fn.name;
  }

  public get maxConcurrency(): number {
    return Math.max(1, this.options.maxConcurrency ?? DEFAULT_CONCURRENCY);
  }

  public get coldStartLimit(): number {
    return Math.max(1, this.options.maxColdStarts ?? 1);
  }

  /** What each of this function's environments is started with (benchmarks start their own). */
  public get environmentOptions(): EnvironmentOptions {
    return this.options;
  }

  /** Environments alive or starting: the function's current concurrency footprint. */
  public get environments(): number {
    return this.idle.length + this.busy.size + this.booting.size;
  }

  /**
   * Starts environments now rather than on the first invocations, one after another, until `count`
   * (at most `maxConcurrency`) are alive; resolves with the first init error, if any.
   */
  public async warm(count = 1): Promise<LambdaError | undefined> {
    const wanted = Math.min(Math.max(1, count), this.maxConcurrency);
    this.dropDead();
    for (const environment of this.idle) {
      const error = await environment.ready;
      if (error) return error;
    }
    while (!this.stopped && this.environments < wanted) {
      const environment = this.start();
      this.idle.push(environment);
      const error = await environment.ready;
      if (error) return error;
    }
    return undefined;
  }

  public async invoke(event: unknown): Promise<InvokeResult> {
    if (this.stopped) return failure('Runtime.Stopped', 'the local stack is stopping', 0);
    const environment = await this.acquire();
    if (!environment) return failure('Runtime.Stopped', 'the local stack is stopping', 0);
    try {
      return await environment.invoke(event);
    } finally {
      this.release(environment);
    }
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
    const all = [...this.idle.splice(0), ...this.busy, ...this.booting];
    this.busy.clear();
    this.booting.clear();
    await Promise.all(all.map((e) => e.stop()));
  }

  private start(): ExecutionEnvironment {
    return new ExecutionEnvironment(this.options);
  }

  /** A usable idle environment, else the first to free up or finish starting. */
  private async acquire(): Promise<ExecutionEnvironment | undefined> {
    while (!this.stopped) {
      this.dropDead();
      const environment = this.idle.pop();
      if (environment) {
        this.busy.add(environment);
        return environment;
      }
      const woken = new Promise<void>((wake) => this.waiting.push(wake));
      this.startAnotherIfNeeded();
      await woken;
    }
    return undefined;
  }

  /** A cold start for each invocation waiting beyond those already starting, within both limits. */
  private startAnotherIfNeeded(): void {
    while (
      this.booting.size < Math.min(this.coldStartLimit, this.waiting.length) &&
      this.environments < this.maxConcurrency
    )
      this.startOne();
  }

  private startOne(): void {
    const environment = this.start();
    this.booting.add(environment);
    void environment.ready.then(() => {
      this.booting.delete(environment);
      // An environment whose init failed is handed out once, so a waiting invocation gets the error.
      if (!this.stopped && (environment.usable || environment.initFailed)) this.idle.push(environment);
      this.waiting.shift()?.();
      this.startAnotherIfNeeded();
    });
  }

  private release(environment: ExecutionEnvironment): void {
    this.busy.delete(environment);
    if (environment.usable && !this.stopped) this.idle.push(environment);
    this.waiting.shift()?.();
  }

  private dropDead(): void {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const environment = this.idle[i];
      if (environment && !environment.usable && !environment.initFailed) this.idle.splice(i, 1);
    }
  }
}
