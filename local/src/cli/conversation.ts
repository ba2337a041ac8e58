import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import type { MrkdwnStyle } from '../standins/slackMrkdwn';
import { displayOptions, renderSlackMessage } from '../standins/slackRender';
import {
  type ButtonNumbering,
  type ButtonSource,
  type ButtonStore,
  createButtonNumbering,
  type RememberedButton,
} from './buttons';
import { type FollowOutcome, followConversation } from './followConversation';
import { deploymentStatus, recordReplyUrl } from './localCommands';
import { classifyReply, type Followable } from './replyKind';

/** What `slash` and `press` share: who speaks, how long to follow, and where output goes. */
export interface ConversationOptions {
  userId: string;
  channelId?: string;
  timeoutMs: number;
  /** A conversation that can still have follow-ups but has no record to wait for ends after this quiet. */
  idleMs: number;
  follow: boolean;
  /** How mrkdwn is shown (default plain text, no ANSI). */
  style?: MrkdwnStyle;
  /** Where the numbered buttons are remembered for the next `press` (default: not remembered). */
  buttons?: ButtonStore;
  print(line: string): void;
  /** Each follow-up message as the catcher recorded it (raw lines and payload). */
  onMessage?(message: CaughtMessage): void;
}

export interface Printer {
  numbering: ButtonNumbering;
  /** Prints a reply's lines, indented, with its buttons numbered. */
  reply(payload: unknown, source: ButtonSource): void;
  message(message: CaughtMessage): void;
}

/** An ephemeral reply has no ts the CLI is told; Slack gives it one all the same. */
const tsOf = (iso: string): string => {
  const ms = Date.parse(iso);
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
};

export const sourceOfCaught = (m: CaughtMessage, channelId: string): ButtonSource => ({
  channelId: m.channel ?? channelId,
  messageTs: m.ts ?? tsOf(m.receivedAt),
  ephemeral: m.kind === 'response_url' && m.payload.response_type !== 'in_channel',
  payload: m.payload,
});

export const createPrinter = (options: ConversationOptions): Printer => {
  const numbering = createButtonNumbering();
  const style = options.style ?? { ansi: false };
  const lines = (payload: unknown, source: ButtonSource) =>
    renderSlackMessage(payload, displayOptions(style, numbering.forMessage(source)));
  return {
    numbering,
    reply: (payload, source) => {
      for (const line of lines(payload, source)) options.print(`   ${line}`);
    },
    message: (m) => {
      const where = m.channel ? `#${m.channel}` : m.path;
      options.print(`── ${m.kind} ${where}${m.deployId ? ` · ${m.deployId}` : ''}`);
      for (const line of lines(m.payload, sourceOfCaught(m, options.channelId ?? 'C0LOCAL01')))
        options.print(`   ${line}`);
      options.onMessage?.(m);
    },
  };
};

/** Decides from a reply whether anything can follow it (see replyKind.ts). */
export const followableOf = (endpoints: StackEndpoints, payload: unknown, responseUrl: string) =>
  classifyReply(payload, responseUrl, (id) => recordReplyUrl(endpoints, id));

const WHAT_FOLLOWS: Record<Followable['kind'], string> = {
  deploy: 'following',
  request: 'waiting for the answer',
  none: '',
};

/**
 * Follows what can follow a reply: a deploy until its record is final, a published request until its
 * answer has come and the conversation is quiet. A reply that cannot have follow-ups is not waited on.
 */
export const followReply = async (
  endpoints: StackEndpoints,
  options: ConversationOptions,
  printer: Printer,
  reply: { followable: Followable; responsePath: string; since: number },
): Promise<FollowOutcome | undefined> => {
  const { followable } = reply;
  if (!options.follow || followable.kind === 'none') return undefined;
  const deployId = followable.kind === 'deploy' ? followable.deployId : undefined;
  options.print(
    `… ${WHAT_FOLLOWS[followable.kind]}${deployId ? ` ${deployId}` : ''} (timeout ${options.timeoutMs / 1000} s)`,
  );
  const follow = await followConversation({
    catcherUrl: endpoints.slackCatcherUrl,
    responsePath: reply.responsePath,
    deployId,
    since: reply.since,
    timeoutMs: options.timeoutMs,
    idleMs: options.idleMs,
    minMessages: 1,
    onMessage: printer.message,
    ...(deployId ? { statusOf: (id: string) => deploymentStatus(endpoints, id).catch(() => undefined) } : {}),
  });
  if (follow.end === 'timeout') options.print(`⏱ no final message within ${options.timeoutMs / 1000} s`);
  if (follow.finalStatus) options.print(`deployment ${follow.deployId}: ${follow.finalStatus}`);
  return follow;
};

/** Remembers the buttons this run printed, numbered as printed, for `branch-envs press <n>`. */
export const rememberButtons = (
  endpoints: StackEndpoints,
  options: ConversationOptions,
  printer: Printer,
): RememberedButton[] => {
  const { buttons } = printer.numbering;
  if (!options.buttons || buttons.length === 0) return buttons;
  options.buttons.save({ stackStartedAt: endpoints.startedAt, buttons });
  options.print(`   (press a button: branch-envs press <n>, n = ${buttons.map((b) => b.n).join(', ')})`);
  return buttons;
};
