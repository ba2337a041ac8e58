import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import { type FollowOutcome, followConversation } from './followConversation';
import { caughtMessages, deploymentStatus, readSigningSecret } from './localCommands';
import { type SlashResult, sendSlashCommand, slashCommandForm } from './slashCommand';

export interface SlashFlowOptions {
  line: string;
  userId: string;
  channelId?: string;
  /** Post here instead of the stack's ingress URL. */
  url?: string;
  timeoutMs: number;
  idleMs: number;
  follow: boolean;
  print(line: string): void;
  onMessage(message: CaughtMessage): void;
}

export interface SlashFlowResult {
  ack: SlashResult;
  follow?: FollowOutcome;
}

/**
 * What `branch-envs slash` does, as a function the end-to-end tests call: sign and send the command,
 * print the acknowledgement, then follow the conversation in the Slack catcher.
 */
export const runSlash = async (
  endpoints: StackEndpoints,
  options: SlashFlowOptions,
): Promise<SlashFlowResult> => {
  const { print } = options;
  const secret = await readSigningSecret(endpoints);
  const form = slashCommandForm({ line: options.line, userId: options.userId, channelId: options.channelId });
  const since = (await caughtMessages(endpoints)).reduce((max, m) => Math.max(max, m.seq), 0);
  const url = options.url ?? endpoints.ingressUrl;
  print(
    `→ ${form.get('command')} ${form.get('text')} as ${options.userId}, signed with ${endpoints.signingSecretParameter}`,
  );
  const ack = await sendSlashCommand(url, secret, form);
  print(`← HTTP ${ack.status} in ${ack.durationMs} ms`);
  for (const line of ack.lines) print(`   ${line}`);
  if (!options.follow || ack.status !== 200) return { ack };
  print(
    ack.deployId
      ? `… following ${ack.deployId} (timeout ${options.timeoutMs / 1000} s)`
      : '… waiting for follow-up messages',
  );
  const follow = await followConversation({
    catcherUrl: endpoints.slackCatcherUrl,
    responsePath: ack.responsePath,
    deployId: ack.deployId,
    since,
    timeoutMs: options.timeoutMs,
    idleMs: options.idleMs,
    onMessage: options.onMessage,
    statusOf: (id) => deploymentStatus(endpoints, id).catch(() => undefined),
  });
  if (follow.end === 'timeout') print(`⏱ no final message within ${options.timeoutMs / 1000} s`);
  if (follow.finalStatus) print(`deployment ${follow.deployId}: ${follow.finalStatus}`);
  return { ack, follow };
};
