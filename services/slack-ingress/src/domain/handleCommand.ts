import { isLive } from '@branch-envs/shared/deployments/states';
import { parseDeployQuery } from '@branch-envs/shared/deployQuery';
import { LOG_LINES } from '@branch-envs/shared/events/LogsRequested';
import { resolveRole } from './authorization';
import { helpMessage, notice } from './blocks';
import {
  type DeployCommand,
  parseDeployCommand,
  parseTarget,
  parseTerminateCommand,
  type Target,
  type TerminateCommand,
} from './grammar';
import { requestLogs } from './logsRequest';
import { ACTIONS, listMessage, statusMessage } from './messages/deploymentViews';
import { queuedSection } from './messages/queueList';
import { replies } from './messages/replies';
import type { Actor, Conversation, IngressPorts, IngressSettings, Outcome, RequestContext } from './ports';
import { queuedFor, requestQueue, withQueuePlace } from './queueRequest';
import { requestDeploy, requestExtend, requestTerminate } from './requests';
import { requestUpdate } from './updateRequest';

/** A parsed request, whichever way it arrived (slash command or button). */
export type Command =
  | DeployCommand
  | TerminateCommand
  | { kind: 'queue'; deployId: string }
  | { kind: 'unknown'; reason: string };

export interface SlashCommandRequest {
  command: string;
  text: string;
  actor: Actor;
  conversation: Conversation;
}

export interface ButtonRequest {
  actionId: string;
  value: string;
  actor: Actor;
  conversation: Conversation;
}

const helpOptions = (settings: IngressSettings) => ({
  deployCommand: settings.deployCommand,
  terminateCommand: settings.terminateCommand,
  defaultTtlSeconds: settings.defaultTtlSeconds,
  maxTtlSeconds: settings.maxTtlSeconds,
  nightly: settings.nightly,
});

export const parseSlashCommand = (
  { command, text }: SlashCommandRequest,
  settings: IngressSettings,
): Command => {
  if (command === settings.deployCommand) return parseDeployCommand(text, settings);
  if (command === settings.terminateCommand) return parseTerminateCommand(text);
  return { kind: 'unknown', reason: replies.unknownCommand(command) };
};

/**
 * A deploy of the branch a button names, as `/deploy <branch>` with the default lifetime would be;
 * [Redeploy] (after a Spot interruption) adds `--on-demand` (ADR 0028).
 */
const branchDeploy = (
  target: ReturnType<typeof parseTarget>,
  settings: IngressSettings,
  capacity?: 'on-demand',
): Command => {
  const parsed = target.kind === 'branch' ? parseDeployQuery(target.branch) : undefined;
  if (target.kind !== 'branch' || !parsed?.ok) {
    return { kind: 'unknown', reason: replies.buttonWithoutBranch };
  }
  const ttl = settings.defaultTtlSeconds;
  return {
    kind: 'deploy',
    query: target.branch,
    parsedQuery: parsed.query,
    ttlSeconds: ttl,
    requestedSeconds: ttl,
    capped: false,
    fresh: false,
    noFollow: false,
    ...(capacity ? { capacity } : {}),
  };
};

/** Buttons carry ids we put there ourselves, but they are still parsed like typed input. */
export const parseButton = ({ actionId, value }: ButtonRequest, settings: IngressSettings): Command => {
  const target = parseTarget(value);
  if (actionId === ACTIONS.deployCandidate) return branchDeploy(target, settings);
  if (actionId === ACTIONS.redeploy) return branchDeploy(target, settings, 'on-demand');
  if (target.kind !== 'deploy') return { kind: 'unknown', reason: replies.buttonWithoutDeployment };
  if (actionId === ACTIONS.keepOvernight) return { kind: 'extend', target, extension: { kind: 'overnight' } };
  if (actionId === ACTIONS.extend) {
    const seconds = Math.min(settings.defaultTtlSeconds, settings.maxTtlSeconds);
    return {
      kind: 'extend',
      target,
      extension: { kind: 'duration', seconds, requestedSeconds: seconds, capped: false },
    };
  }
  if (actionId === ACTIONS.terminate) return { kind: 'terminate', target };
  if (actionId === ACTIONS.logsApp || actionId === ACTIONS.logsBoot)
    return {
      kind: 'logs',
      target,
      logKind: actionId === ACTIONS.logsApp ? 'app' : 'boot',
      lines: LOG_LINES.default,
    };
  if (actionId === ACTIONS.queueMe) return { kind: 'queue', deployId: target.deployId };
  return { kind: 'unknown', reason: replies.unknownButton };
};

const showStatus = async (target: Target, ctx: RequestContext): Promise<Outcome> => {
  const { deployments } = ctx.ports;
  const view = { now: ctx.ports.now(), nightly: ctx.settings.nightly };
  if (target.kind === 'deploy') {
    const item = await deployments.get(target.deployId);
    if (!item) return { kind: 'answered', message: notice(replies.deployNotFound(target.deployId)) };
    if (item.kind === 'tombstone') {
      return {
        kind: 'answered',
        message: notice(replies.terminatedBeforeLaunch(item.deployId)),
      };
    }
    const shown = statusMessage(item, view, { live: isLive(item.status) });
    // Only a request refused over a quota can be waiting in the queue.
    const message = item.status === 'REJECTED' ? await withQueuePlace(shown, item.deployId, ctx) : shown;
    return { kind: 'answered', message };
  }
  const [newest, ...older] = await deployments.byBranch(target.branch, 10);
  if (!newest) return { kind: 'answered', message: notice(replies.branchHasNoDeployments(target.branch)) };
  const message = statusMessage(newest, view, { live: isLive(newest.status), olderCount: older.length });
  return { kind: 'answered', message };
};

const listDeployments = async (scope: 'all' | 'mine', ctx: RequestContext): Promise<Outcome> => {
  const { deployments } = ctx.ports;
  const view = { now: ctx.ports.now(), nightly: ctx.settings.nightly };
  const records =
    scope === 'mine' ? await deployments.liveByOwner(ctx.actor.userId) : await deployments.live();
  const listed = listMessage(records, view, scope, { admin: ctx.role === 'admin' });
  const queued = await queuedFor(scope, ctx);
  return { kind: 'answered', message: queuedSection(listed, queued, view) };
};

type Runnable = Exclude<Command, { kind: 'help' | 'invalid' | 'unknown' }>;

const run = (command: Runnable, ctx: RequestContext): Promise<Outcome> => {
  switch (command.kind) {
    case 'deploy':
      return requestDeploy(command, ctx);
    case 'list':
      return listDeployments(command.scope, ctx);
    case 'status':
      return showStatus(command.target, ctx);
    case 'extend':
      return requestExtend(command.target, command.extension, ctx);
    case 'terminate':
      return requestTerminate(command.target, ctx);
    case 'update':
      return requestUpdate(command.target, command.reseed, ctx);
    case 'queue':
      return requestQueue(command.deployId, ctx);
    case 'logs':
      return requestLogs(command, ctx);
  }
};

/**
 * One request, start to finish: help and mistakes are answered before anything else (no I/O, and
 * the reply always includes usage); then the user must be allowed; then the use case runs.
 */
export const handleCommand = async (
  command: Command,
  request: { actor: Actor; conversation: Conversation },
  settings: IngressSettings,
  ports: IngressPorts,
): Promise<Outcome> => {
  if (command.kind === 'help') return { kind: 'answered', message: helpMessage(helpOptions(settings)) };
  if (command.kind === 'invalid' || command.kind === 'unknown') {
    return { kind: 'answered', message: helpMessage(helpOptions(settings), command.reason) };
  }
  const role = await resolveRole(request.actor.userId, settings.policy, ports.groups);
  if (role === 'none') {
    return { kind: 'refused', message: notice(replies.notAllowed(request.actor.userId)) };
  }
  return run(command, { ...request, role, settings, ports });
};
