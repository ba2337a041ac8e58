import type { Command } from 'commander';
import { runDoctor } from './doctor/runDoctor';
import { liveEnvironments } from './envs';
import { colors, formatCount, formatDeadLetters, formatDlqs, formatDoctor, formatEnvs } from './format';
import { stageNames } from './names';
import { peekMessages } from './peek';
import { pricesAction } from './prices/pricesCommand';
import { progressBar } from './progress';
import { deadLetterQueues, pickDeadLetterQueue, stageQueues } from './queues';
import { redrive } from './redrive';
import { replayNameFor, startReplay, waitForReplay } from './replay';
import { countArchivedEvents } from './replayCount';
import {
  createOpsClients,
  type OpsClients,
  type OpsTarget,
  resolveTarget,
  type TargetOptions,
} from './target';
import { idempotencyWarning, parseWindow } from './timeWindow';

interface GlobalOptions extends TargetOptions {
  json?: boolean;
}

interface Io {
  target: OpsTarget;
  clients: OpsClients;
  json: boolean;
  out(text: string): void;
  warn(text: string): void;
  /** Prints the result: JSON for scripts, else the human rendering. Returns whether it succeeded. */
  result(value: unknown, human: string, ok?: boolean): void;
}

/** Runs one ops action with its clients, and turns any failure into a message and exit code 1. */
const withTarget =
  (
    stateDir: () => string | undefined,
    action: (io: Io, command: Command, ...positional: string[]) => Promise<void>,
  ) =>
  async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals<GlobalOptions>();
    let clients: OpsClients | undefined;
    try {
      const target = resolveTarget({ ...options, stateDir: options.stateDir ?? stateDir() });
      clients = createOpsClients(target);
      const json = options.json === true;
      const io: Io = {
        target,
        clients,
        json,
        out: (text) => console.log(text),
        warn: (text) => console.error(colors.yellow(`warning: ${text}`)),
        result: (value, human, ok = true) => {
          console.log(json ? JSON.stringify(value, null, 2) : human);
          if (!ok) process.exitCode = 1;
        },
      };
      await action(io, command, ...args.filter((a): a is string => typeof a === 'string'));
    } catch (error) {
      console.error(colors.red(`branch-envs ops: ${(error as Error).message}`));
      process.exitCode = 1;
    } finally {
      clients?.destroy();
    }
  };

const doctor = async (io: Io) => {
  const report = await runDoctor(io.target, io.clients);
  io.result(report, formatDoctor(report), report.ok);
};

interface ReplayFlags {
  from: string;
  to?: string;
  dryRun?: boolean;
}

const replay = async (io: Io, options: ReplayFlags) => {
  const now = new Date();
  const window = parseWindow(options.from, options.to, now);
  const names = stageNames(io.target.stage);
  const warning = idempotencyWarning(window, now);
  if (warning) io.warn(warning);
  const bar = progressBar(options.dryRun ? 'counting' : 'replaying', !io.json);
  const onProgress = (fraction: number) => bar.update(Math.round(fraction * 100), 100);
  try {
    if (options.dryRun) {
      const count = await countArchivedEvents(io.clients, names, window, {
        onProgress,
        quietMs: io.target.local ? 1500 : 5000,
      });
      bar.stop();
      io.result({ ...window, ...count, ...(warning ? { warning } : {}) }, formatCount(count));
      return;
    }
    const replayName = replayNameFor('ops', io.target.stage, now);
    await startReplay(io.clients.eventBridge, names, window, replayName);
    const outcome = await waitForReplay(io.clients.eventBridge, replayName, window, { onProgress });
    bar.stop();
    const ok = outcome.state === 'COMPLETED';
    const human = ok
      ? `replay ${replayName} completed`
      : `replay ${replayName} ended ${outcome.state}: ${outcome.reason ?? 'no reason given'}`;
    io.result({ ...window, ...outcome, ...(warning ? { warning } : {}) }, human, ok);
  } finally {
    bar.stop();
  }
};

const dlqsOf = async (io: Io) => {
  const prefix = `${stageNames(io.target.stage).prefix}-`;
  return deadLetterQueues(await stageQueues(io.clients.sqs, prefix), prefix);
};

const dlqList = async (io: Io) => {
  const dlqs = await dlqsOf(io);
  const rows = dlqs.map((d) => ({
    service: d.service,
    dlq: d.dlq.name,
    messages: d.dlq.visible + d.dlq.inFlight,
    source: d.source.name,
  }));
  io.result(rows, formatDlqs(dlqs));
};

const dlqShow = async (io: Io, service: string, limit: number) => {
  const pair = pickDeadLetterQueue(await dlqsOf(io), service);
  const letters = await peekMessages(io.clients.sqs, pair.dlq, limit);
  io.result(
    { service: pair.service, dlq: pair.dlq.name, messages: letters },
    formatDeadLetters(pair.service, letters),
  );
};

const dlqRedrive = async (io: Io, service: string) => {
  const pair = pickDeadLetterQueue(await dlqsOf(io), service);
  const bar = progressBar(`redriving ${pair.dlq.name}`, !io.json);
  try {
    const result = await redrive(io.clients.sqs, pair, {
      onProgress: (p) => bar.update(p.moved, Math.max(p.total, p.moved)),
    });
    bar.stop();
    const ok = result.status === 'COMPLETED';
    const human = `${result.moved} message(s) moved from ${pair.dlq.name} to ${pair.source.name} (${result.method})${result.failed ? `; ${result.failed} refused, still in the DLQ` : ''}${result.reason ? `: ${result.reason}` : ''}`;
    io.result({ service: pair.service, dlq: pair.dlq.name, source: pair.source.name, ...result }, human, ok);
  } finally {
    bar.stop();
  }
};

const envs = async (io: Io) => {
  const result = await liveEnvironments(
    io.clients.documents,
    stageNames(io.target.stage).deploymentsTable,
    new Date(),
  );
  io.result(result, formatEnvs(result));
};

const positive = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`"${value}" is not a positive whole number`);
  return parsed;
};

/** `branch-envs ops …`: operate a deployed stage (AWS credentials from the usual chain) or `--local`. */
export const registerOps = (program: Command, stateDir: () => string | undefined): Command => {
  const ops = program
    .command('ops')
    .description('operate a stage: doctor, replay, dlq, envs, prices')
    .option('--stage <stage>', 'the stage to operate (e.g. dev, prod)')
    .option('--region <region>', 'its AWS region (default: AWS_REGION)')
    .option('--local', 'the running local stack (`npm start`) instead of AWS')
    .option('--json', 'print the result as JSON, for scripts');
  ops
    .command('doctor')
    .description('check every prerequisite; exit 1 on any ✗')
    .action(withTarget(stateDir, doctor));
  ops
    .command('replay')
    .description('replay the archive between two times onto the bus')
    .requiredOption('--from <time>', 'start: ISO 8601 (UTC unless zoned), or a duration ago (2h, 3d)')
    .option('--to <time>', 'end (default now)')
    .option('--dry-run', 'only count the archived events in the window, by type')
    .action(withTarget(stateDir, (io, command) => replay(io, command.opts<ReplayFlags>())));
  const dlq = ops.command('dlq').description('dead-letter queues: list, show, redrive');
  dlq.command('list').description('messages per dead-letter queue').action(withTarget(stateDir, dlqList));
  dlq
    .command('show')
    .argument('<service>', 'the queue, as `dlq list` names it (e.g. provisioner, notifier)')
    .option('--limit <n>', 'at most this many messages', positive, 50)
    .description('the messages of one DLQ, without deleting them')
    .action(
      withTarget(stateDir, (io, command, service = '') =>
        dlqShow(io, service, command.opts<{ limit: number }>().limit),
      ),
    );
  dlq
    .command('redrive')
    .argument('<service>', 'the queue, as `dlq list` names it')
    .description('move the messages back to the queue they failed from')
    .action(withTarget(stateDir, (io, _command, service = '') => dlqRedrive(io, service)));
  ops.command('envs').description('the live environments of the stage').action(withTarget(stateDir, envs));
  ops
    .command('prices')
    .description("refresh the stage's price table from the AWS Pricing API and Spot price history")
    .option('--write', 'write the new table into config/<stage>.yml (otherwise only print it)')
    .action(
      withTarget(stateDir, (io, command) =>
        pricesAction(io, command.opts<{ write?: boolean }>().write === true),
      ),
    );
  return ops;
};
