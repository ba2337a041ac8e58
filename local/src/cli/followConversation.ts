import type { CaughtMessage } from '../standins/slackCatcher';

export interface FollowOptions {
  catcherUrl: string;
  /** Follow-ups posted to this response_url path belong to the conversation. */
  responsePath: string;
  /** Known from the acknowledgement, or learnt from the first follow-up that names one. */
  deployId?: string;
  /** Only messages after this catcher sequence number. */
  since?: number;
  timeoutMs: number;
  /** Stop after this long without a new message when there is no deploy record to wait for. */
  idleMs: number;
  /** Without a record to wait for, go quiet only after this many messages (default 0). */
  minMessages?: number;
  pollMs?: number;
  onMessage?(message: CaughtMessage): void;
  /** The deployment's status (and URL, once READY) in the registry, when there is one to ask. */
  statusOf?(deployId: string): Promise<RegistryView | undefined>;
}

export interface RegistryView {
  status: string;
  url?: string;
}

export interface FollowOutcome {
  messages: CaughtMessage[];
  deployId?: string;
  /** Why following stopped. */
  end: 'terminal' | 'idle' | 'timeout';
  finalStatus?: string;
}

const TERMINAL_STATUSES = new Set(['READY', 'REJECTED', 'FAILED', 'TERMINATED']);
const TERMINAL_WORDS = /\b(ready|rejected|failed|terminated|expired)\b/i;

/** A message that ends a conversation: the deploy is ready, rejected, failed or terminated. */
export const isTerminalMessage = (message: CaughtMessage): boolean =>
  TERMINAL_WORDS.test(message.lines.join('\n'));

/**
 * How long a terminal registry status waits for its Slack message before following stops anyway. The
 * notifier always announces the end, but a cold notifier on a loaded machine has taken over 5 s to.
 */
const STATUS_GRACE_MS = 15_000;

const fetchMessages = async (catcherUrl: string, since: number): Promise<CaughtMessage[]> => {
  const response = await fetch(`${catcherUrl}/_messages?since=${since}`);
  const body = (await response.json()) as { messages: CaughtMessage[] };
  return body.messages;
};

interface FollowState {
  since: number;
  deployId?: string;
  seen: CaughtMessage[];
  lastActivity: number;
  /** When the registry last showed a status that is not final. */
  notFinalAt: number;
  /** The registry has no record of the deploy (yet): a request rejected before anything launched. */
  noRecord: boolean;
  terminalSince?: number;
  finalStatus?: string;
  url?: string;
}

/** Takes in new catcher messages; true when one of ours ends the conversation. */
const takeMessages = (options: FollowOptions, state: FollowState, messages: CaughtMessage[]): boolean => {
  for (const message of messages) {
    state.since = Math.max(state.since, message.seq);
    const ours =
      message.path === options.responsePath ||
      (state.deployId !== undefined && message.deployId === state.deployId);
    if (!ours) continue;
    state.deployId ??= message.deployId;
    state.seen.push(message);
    state.lastActivity = Date.now();
    options.onMessage?.(message);
    if (!options.statusOf && isTerminalMessage(message)) return true;
  }
  return false;
};

/** The message announcing the end has arrived: for READY, the one showing the URL; else any since. */
const endAnnounced = (state: FollowState): boolean =>
  state.url
    ? state.seen.some((m) => m.lines.some((line) => line.includes(state.url ?? '')))
    : state.lastActivity > state.notFinalAt;

/**
 * True once the registry shows a final status and the message announcing it has arrived (messages of
 * one deploy can arrive late and out of step with the registry: a phone-home makes READY come before
 * the notifier has even posted "launching"), or the grace period for that message has passed.
 */
const statusSettled = async (options: FollowOptions, state: FollowState): Promise<boolean> => {
  if (!state.deployId || !options.statusOf) return false;
  const view = await options.statusOf(state.deployId);
  state.finalStatus = view?.status;
  state.url = view?.status === 'READY' ? view.url : undefined;
  state.noRecord = view === undefined;
  if (!state.finalStatus || !TERMINAL_STATUSES.has(state.finalStatus)) {
    state.notFinalAt = Date.now();
    return false;
  }
  state.terminalSince ??= Date.now();
  return endAnnounced(state) || Date.now() - state.terminalSince > STATUS_GRACE_MS;
};

/**
 * A conversation with nothing in the registry is over once it has gone quiet: no deploy at all (help,
 * list, refusals), or a deploy rejected before a record was written (no match, ambiguous, missing
 * artifacts), after its rejection message arrived.
 */
const quietlyOver = (options: FollowOptions, state: FollowState): boolean => {
  const quiet = Date.now() - state.lastActivity > options.idleMs;
  if (!state.deployId || !options.statusOf) return quiet && state.seen.length >= (options.minMessages ?? 0);
  return quiet && state.noRecord && state.seen.length > 0;
};

/**
 * Follows the Slack catcher for the messages of one conversation and hands each to `onMessage`,
 * until the deploy's record reaches a final status, a quiet spell when there is no record to wait for,
 * or the timeout.
 */
export const followConversation = async (options: FollowOptions): Promise<FollowOutcome> => {
  const started = Date.now();
  const state: FollowState = {
    since: options.since ?? 0,
    deployId: options.deployId,
    seen: [],
    lastActivity: started,
    notFinalAt: started,
    noRecord: false,
  };
  const outcome = (end: FollowOutcome['end']): FollowOutcome => ({
    messages: state.seen,
    deployId: state.deployId,
    end,
    finalStatus: state.finalStatus,
  });
  while (Date.now() - started < options.timeoutMs) {
    if (takeMessages(options, state, await fetchMessages(options.catcherUrl, state.since)))
      return outcome('terminal');
    if (await statusSettled(options, state)) return outcome('terminal');
    if (quietlyOver(options, state)) return outcome('idle');
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 300));
  }
  return outcome('timeout');
};
