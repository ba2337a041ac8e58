import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { LogsCollected, LogsUnavailableReason } from '@branch-envs/shared/events/LogsCollected';
import type { LogsRequested } from '@branch-envs/shared/events/LogsRequested';
import { lastLines, tailWithin } from './logText';
import { documentParameters, type LogsDeps } from './ports';
import { redact } from './redact';

type Request = LogsRequested['data'];
type Outcome = LogsCollected['data']['outcome'];

/** SendCommand's own delivery timeout: the command is dropped if the agent has not taken it by then. */
const SEND_TIMEOUT_SECONDS = 30;

interface Raw {
  source: 'run_command' | 'console_output';
  text: string;
  notes: string[];
}

const unavailable = (reason: LogsUnavailableReason, message: string): Outcome => ({
  status: 'unavailable',
  reason,
  message,
});

/** Why this record has no logs to give, if it has none. */
const refusal = (record: DeploymentRecord | undefined, request: Request): Outcome | undefined => {
  if (!record || !isLive(record.status))
    return unavailable('not_live', 'The deployment has ended, so there is no instance to read logs from.');
  if (request.authorizedAs === 'owner' && record.owner.userId !== request.requestedBy.userId)
    return unavailable('not_owner', 'Only the owner of the deployment or an admin may read its logs.');
  if (!record.instanceId)
    return unavailable('no_instance', 'The deployment has no instance yet; ask again once it is launching.');
  return undefined;
};

/** What Run Command gave: the output, or in words why not (for the note shown with the fallback). */
type RunOutcome = { output: string } | { why: string };

const send = async (instanceId: string, request: Request, deps: LogsDeps): Promise<string | RunOutcome> => {
  try {
    return await deps.ports.commands.send({
      documentName: deps.settings.documentName,
      instanceId,
      parameters: documentParameters(request.kind, request.lines),
      timeoutSeconds: SEND_TIMEOUT_SECONDS,
      comment: `branch-envs logs ${request.kind} ${request.deployId}`,
    });
  } catch (error) {
    // No agent, or the instance is not managed (yet): the console output is the way in.
    const name = error instanceof Error ? error.name : String(error);
    deps.log.warn('Run Command refused the logs command; reading the console output instead', {
      error: name,
    });
    return { why: `Run Command could not reach the instance's agent (${name})` };
  }
};

/** Runs the logs document and waits for its result until the deadline. */
const viaRunCommand = async (instanceId: string, request: Request, deps: LogsDeps): Promise<RunOutcome> => {
  const { ports, settings, log } = deps;
  const commandId = await send(instanceId, request, deps);
  if (typeof commandId !== 'string') return commandId;
  const deadline = ports.now().getTime() + settings.waitSeconds * 1000;
  while (ports.now().getTime() < deadline) {
    await ports.sleep(settings.pollIntervalMs);
    const result = await ports.commands.result(commandId, instanceId);
    if (result.status === 'pending') continue;
    if (result.status === 'success') return { output: result.output };
    log.warn('The logs command did not succeed; reading the console output instead', {
      status: result.status,
      responseCode: result.responseCode,
    });
    return {
      why: `The logs command ended ${result.status.replace('_', ' ')} (exit code ${result.responseCode})`,
    };
  }
  log.warn('The logs command did not answer in time; reading the console output instead', {
    waitSeconds: settings.waitSeconds,
  });
  return { why: `The instance's agent did not answer within ${settings.waitSeconds} s` };
};

const collectRaw = async (instanceId: string, request: Request, deps: LogsDeps): Promise<Raw | undefined> => {
  const run = await viaRunCommand(instanceId, request, deps);
  if ('output' in run) return { source: 'run_command', text: run.output, notes: [] };
  const console = await deps.ports.console.latest(instanceId);
  if (console === undefined || console.trim() === '') return undefined;
  const what = request.kind === 'app' ? "app's journal" : 'boot log';
  return {
    source: 'console_output',
    text: lastLines(console, request.lines),
    notes: [
      `${run.why}, so this is its serial console output (EC2 GetConsoleOutput) instead of the ${what}.`,
    ],
  };
};

/**
 * Redacts, then fits the text into the event; the notes say what was cut. The app's secret values
 * were replaced on the instance by the logs document (the provisioner never reads them, ADR 0011).
 */
const collected = (raw: Raw, deps: LogsDeps): Outcome => {
  const redacted = redact(raw.text, { patterns: deps.settings.redactPatterns });
  const fitted = tailWithin(redacted.text);
  return {
    status: 'collected',
    source: raw.source,
    text: fitted.text,
    notes: [...raw.notes, ...(fitted.note ? [fitted.note] : [])],
    redactions: redacted.count,
  };
};

/**
 * One LogsRequested (ADR 0030): the record must be live and have an instance; the fixed logs
 * document runs with `kind` and `lines` as its only parameters, and if the agent does not answer in
 * time the console output is read instead. The text is redacted before it is published.
 */
export const collectLogs = async (
  request: Request,
  cause: { eventId: string; correlationId: string },
  deps: LogsDeps,
): Promise<void> => {
  const record = await deps.ports.records.get(request.deployId);
  const refused = refusal(record, request);
  const instanceId = record?.instanceId;
  let outcome: Outcome;
  if (refused || !instanceId) {
    outcome = refused ?? unavailable('no_instance', 'The deployment has no instance yet.');
  } else {
    const raw = await collectRaw(instanceId, request, deps);
    outcome = raw
      ? collected(raw, deps)
      : unavailable('no_output', 'Neither Run Command nor the console output returned anything yet.');
  }
  deps.log.info('logs collected', { kind: request.kind, outcome: outcome.status });
  await deps.ports.publish(
    {
      requestId: request.requestId,
      deployId: request.deployId,
      ...(record?.branch ? { branch: record.branch } : {}),
      kind: request.kind,
      lines: request.lines,
      outcome,
      requestedBy: request.requestedBy,
      replyTo: request.replyTo,
    },
    cause,
  );
};
