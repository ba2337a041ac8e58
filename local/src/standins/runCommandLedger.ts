import { randomUUID } from 'node:crypto';
import type {
  CommandDocument,
  CommandRecord,
  ExecutionOutcome,
  Executor,
  InvocationRecord,
} from './runCommandTypes';

/** SSM returns at most the first 24,000 characters of each output stream in GetCommandInvocation. */
export const OUTPUT_LIMIT_CHARS = 24_000;

export interface LedgerOptions {
  /** How long the "agent" takes to pick a command up (Pending → InProgress); default 50 ms. */
  deliveryDelayMs?: number;
  log?(line: string): void;
}

export interface NewCommand {
  document: CommandDocument;
  instanceIds: string[];
  parameters: Record<string, string[]>;
  comment: string;
  timeoutSeconds: number;
}

const keyOf = (commandId: string, instanceId: string) => `${commandId}/${instanceId}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const aborted = (signal: AbortSignal): Promise<'timed out'> =>
  new Promise((resolve) => signal.addEventListener('abort', () => resolve('timed out'), { once: true }));

const noExecutor = (documentName: string): ExecutionOutcome => ({
  exitCode: 1,
  stdout: '',
  stderr: `local Run Command stand-in: no simulated instance script for document ${documentName}`,
});

/**
 * Every command the stand-in accepted and each invocation's state, as SSM keeps them. Delivery is
 * asynchronous as in SSM: SendCommand answers with every invocation Pending, the executor of the
 * document's name runs it (InProgress) and its exit code decides Success or Failed; past the
 * document step's timeout the invocation is TimedOut and a late result is ignored.
 */
export class RunCommandLedger {
  private readonly commands = new Map<string, CommandRecord>();
  private readonly invocations = new Map<string, InvocationRecord>();
  private readonly executors = new Map<string, Executor>();
  private readonly running = new Set<Promise<void>>();
  private readonly timeouts = new Set<AbortController>();
  private stopped = false;

  public constructor(private readonly options: LedgerOptions = {}) {}

  /** The script an instance runs for `documentName`; returns the unregister function. */
  public register(documentName: string, executor: Executor): () => void {
    this.executors.set(documentName, executor);
    return () => {
      if (this.executors.get(documentName) === executor) this.executors.delete(documentName);
    };
  }

  public start(request: NewCommand): CommandRecord {
    const command: CommandRecord = {
      commandId: randomUUID(),
      documentName: request.document.name,
      documentVersion: request.document.version,
      stepName: request.document.step.name,
      comment: request.comment,
      instanceIds: request.instanceIds,
      parameters: request.parameters,
      timeoutSeconds: request.timeoutSeconds,
      requestedAt: new Date(),
    };
    this.commands.set(command.commandId, command);
    for (const instanceId of command.instanceIds) {
      const invocation: InvocationRecord = {
        commandId: command.commandId,
        instanceId,
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        stdout: '',
        stderr: '',
      };
      this.invocations.set(keyOf(command.commandId, instanceId), invocation);
      const run = this.run(command, invocation, request.document.step.timeoutSeconds);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
    return command;
  }

  public command(commandId: string): CommandRecord | undefined {
    return this.commands.get(commandId);
  }

  public invocation(commandId: string, instanceId: string): InvocationRecord | undefined {
    return this.invocations.get(keyOf(commandId, instanceId));
  }

  public invocationsOf(filter: { commandId?: string; instanceId?: string }): InvocationRecord[] {
    return [...this.invocations.values()].filter(
      (i) =>
        (!filter.commandId || i.commandId === filter.commandId) &&
        (!filter.instanceId || i.instanceId === filter.instanceId),
    );
  }

  /** Stops delivering and "kills" the running scripts (their signal aborts), then waits for them. */
  public async stop(): Promise<void> {
    this.stopped = true;
    for (const timeout of this.timeouts) timeout.abort();
    await Promise.allSettled([...this.running]);
  }

  private async run(command: CommandRecord, invocation: InvocationRecord, timeoutSeconds: number) {
    await sleep(this.options.deliveryDelayMs ?? 50);
    if (this.stopped) return;
    invocation.status = 'InProgress';
    invocation.statusDetails = 'InProgress';
    invocation.startedAt = new Date();
    const timeout = new AbortController();
    this.timeouts.add(timeout);
    const timer = setTimeout(() => timeout.abort(), timeoutSeconds * 1000);
    const outcome = await Promise.race([
      this.execute(command, invocation, timeout.signal),
      aborted(timeout.signal),
    ]);
    clearTimeout(timer);
    this.timeouts.delete(timeout);
    this.finish(invocation, outcome);
    this.options.log?.(
      `run-command: ${command.documentName} on ${invocation.instanceId} ended ${invocation.status} (${invocation.responseCode})`,
    );
  }

  private async execute(
    command: CommandRecord,
    invocation: InvocationRecord,
    signal: AbortSignal,
  ): Promise<ExecutionOutcome> {
    const executor = this.executors.get(command.documentName);
    if (!executor) return noExecutor(command.documentName);
    try {
      return await executor({
        commandId: command.commandId,
        instanceId: invocation.instanceId,
        documentName: command.documentName,
        parameters: command.parameters,
        signal,
      });
    } catch (error) {
      // A script that crashes exits non-zero with its error on stderr; the agent reports Failed.
      return { exitCode: 1, stdout: '', stderr: (error as Error).message };
    }
  }

  private finish(invocation: InvocationRecord, outcome: ExecutionOutcome | 'timed out'): void {
    invocation.endedAt = new Date();
    if (outcome === 'timed out') {
      invocation.status = 'TimedOut';
      invocation.statusDetails = 'ExecutionTimedOut';
      return;
    }
    invocation.responseCode = outcome.exitCode;
    invocation.status = outcome.exitCode === 0 ? 'Success' : 'Failed';
    invocation.statusDetails = invocation.status;
    invocation.stdout = outcome.stdout.slice(0, OUTPUT_LIMIT_CHARS);
    invocation.stderr = outcome.stderr.slice(0, OUTPUT_LIMIT_CHARS);
  }
}
