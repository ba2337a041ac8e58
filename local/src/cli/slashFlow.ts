import type { StackEndpoints } from '../stack/stateFile';
import type { RememberedButton } from './buttons';
import {
  type ConversationOptions,
  createPrinter,
  followableOf,
  followReply,
  rememberButtons,
} from './conversation';
import type { FollowOutcome } from './followConversation';
import { caughtMessages, readSigningSecret } from './localCommands';
import type { Followable } from './replyKind';
import { type SlashResult, sendSlashCommand, slashCommandForm } from './slashCommand';

export interface SlashFlowOptions extends ConversationOptions {
  line: string;
  /** Post here instead of the stack's ingress URL. */
  url?: string;
}

export interface SlashFlowResult {
  ack: SlashResult;
  /** What the acknowledgement said can follow it. */
  followable?: Followable;
  follow?: FollowOutcome;
  /** The buttons printed, numbered as printed. */
  buttons: RememberedButton[];
}

/** The newest catcher sequence number, so that only what this command causes is followed. */
export const lastSeq = async (endpoints: StackEndpoints): Promise<number> =>
  (await caughtMessages(endpoints)).reduce((max, m) => Math.max(max, m.seq), 0);

/**
 * What `branch-envs slash` does, as a function the end-to-end tests call: sign and send the command,
 * print the acknowledgement with its buttons numbered, then follow the conversation in the Slack
 * catcher when the acknowledgement says something can follow it.
 */
export const runSlash = async (
  endpoints: StackEndpoints,
  options: SlashFlowOptions,
): Promise<SlashFlowResult> => {
  const { print } = options;
  const secret = await readSigningSecret(endpoints);
  const channelId = options.channelId ?? 'C0LOCAL01';
  const form = slashCommandForm({ line: options.line, userId: options.userId, channelId });
  const since = await lastSeq(endpoints);
  print(
    `→ ${form.get('command')} ${form.get('text')} as ${options.userId}, signed with ${endpoints.signingSecretParameter}`,
  );
  const ack = await sendSlashCommand(options.url ?? endpoints.ingressUrl, secret, form);
  print(`← HTTP ${ack.status} in ${ack.durationMs} ms`);
  const printer = createPrinter(options);
  const payload = typeof ack.payload === 'object' && ack.payload !== null ? ack.payload : {};
  const ts = `${Math.floor(Date.now() / 1000)}.000001`;
  printer.reply(ack.payload, {
    channelId,
    messageTs: ts,
    ephemeral: true,
    payload: payload as Record<string, unknown>,
  });
  if (ack.status !== 200) return { ack, buttons: printer.numbering.buttons };
  const followable = await followableOf(endpoints, ack.payload, form.get('response_url') ?? '');
  const follow = await followReply(endpoints, options, printer, {
    followable,
    responsePath: ack.responsePath,
    since,
  });
  const buttons = rememberButtons(endpoints, options, printer);
  return { ack, followable, follow, buttons };
};
