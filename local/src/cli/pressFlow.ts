import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import { blockActionsPayload, type PressResult, sendButtonPress } from './blockActions';
import type { ButtonBoard, ButtonStore, RememberedButton } from './buttons';
import {
  type ConversationOptions,
  createPrinter,
  followableOf,
  followReply,
  type Printer,
  rememberButtons,
} from './conversation';
import type { FollowOutcome } from './followConversation';
import { followHomePress } from './homeFlow';
import { caughtMessages, readSigningSecret } from './localCommands';
import type { Followable } from './replyKind';
import { lastSeq } from './slashFlow';

export interface PressFlowOptions extends ConversationOptions {
  /** The number the button was printed with. */
  n: number;
  buttons: ButtonStore;
}

export interface PressFlowResult {
  button: RememberedButton;
  press: PressResult;
  /** Ingress's answer on the press's response_url ("Looking for…", "Terminating…", or a refusal). */
  answer?: CaughtMessage;
  followable?: Followable;
  follow?: FollowOutcome;
  /** The buttons this press's conversation printed, numbered as printed. */
  buttons: RememberedButton[];
  /** A press on a Home view: the tab as republished after it (undefined if none came in time). */
  homeView?: CaughtMessage;
  homeTimedOut?: boolean;
}

export class PressError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PressError';
  }
}

/** The button numbered `n` by the last run that printed buttons, for this very stack. */
export const rememberedButton = (board: ButtonBoard | undefined, endpoints: StackEndpoints, n: number) => {
  if (!board || board.buttons.length === 0)
    throw new PressError('No buttons to press: run `branch-envs slash "…"` first; its buttons are numbered.');
  if (board.stackStartedAt !== endpoints.startedAt)
    throw new PressError(
      'Those buttons came from a local stack that has stopped since; run `branch-envs slash` again.',
    );
  const button = board.buttons.find((b) => b.n === n);
  if (!button) {
    const numbers = board.buttons.map((b) => b.n).join(', ');
    throw new PressError(`There is no button ${n}; the last buttons printed were ${numbers}.`);
  }
  return button;
};

/** Ingress answers a press on its response_url, not in the HTTP body; this waits for that answer. */
const answerOn = async (
  endpoints: StackEndpoints,
  path: string,
  since: number,
  timeoutMs: number,
): Promise<CaughtMessage | undefined> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = (await caughtMessages(endpoints, since)).find((m) => m.path === path);
    if (answer) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
};

/** Slack removes a message's buttons when the answer replaces it; its buttons cannot be pressed again. */
const forgetReplaced = (options: PressFlowOptions, button: RememberedButton, answer: CaughtMessage) => {
  const board = options.buttons.load();
  if (!board || answer.payload.replace_original !== true) return;
  const buttons = board.buttons.filter((b) => b.source.messageTs !== button.source.messageTs);
  options.buttons.save({ ...board, buttons });
};

const describePress = (button: RememberedButton, options: PressFlowOptions, endpoints: StackEndpoints) => {
  if (button.confirm)
    options.print(`   (Slack asks first: “${button.confirm.title}” ${button.confirm.text})`);
  options.print(
    `→ press [${button.n}: ${button.label}] (${button.actionId} = ${button.value}) as ${options.userId}, signed with ${endpoints.signingSecretParameter}`,
  );
};

const followAnswer = async (
  endpoints: StackEndpoints,
  options: PressFlowOptions,
  printer: Printer,
  found: { button: RememberedButton; press: PressResult; since: number },
): Promise<PressFlowResult> => {
  const { button, press } = found;
  const answerWait = Math.min(options.timeoutMs, 10_000);
  const answer = await answerOn(endpoints, press.responsePath, found.since, answerWait);
  if (!answer) {
    options.print(`⏱ no answer on the press's response_url within ${answerWait / 1000} s`);
    return { button, press, buttons: [] };
  }
  printer.message(answer);
  forgetReplaced(options, button, answer);
  const responseUrl = `https://hooks.slack.com${press.responsePath}`;
  const followable = await followableOf(endpoints, answer.payload, responseUrl);
  const follow = await followReply(endpoints, options, printer, {
    followable,
    responsePath: press.responsePath,
    since: answer.seq,
  });
  return { button, press, answer, followable, follow, buttons: [] };
};

/**
 * What `branch-envs press <n>` does: sends the signed `block_actions` Slack would send for the button
 * printed as `n`, prints ingress's answer, then follows the conversation as `slash` does. A button of
 * a Home view (`branch-envs home`) is pressed as on the view, and the republished tab is printed.
 */
export const runPress = async (
  endpoints: StackEndpoints,
  options: PressFlowOptions,
): Promise<PressFlowResult> => {
  const button = rememberedButton(options.buttons.load(), endpoints, options.n);
  const secret = await readSigningSecret(endpoints);
  const since = await lastSeq(endpoints);
  describePress(button, options, endpoints);
  const payload = blockActionsPayload(button, { userId: options.userId });
  const press = await sendButtonPress(`${endpoints.httpApiUrl}/slack/interactions`, secret, payload);
  options.print(`← HTTP ${press.status} in ${press.durationMs} ms${press.body ? `: ${press.body}` : ''}`);
  if (press.status !== 200) return { button, press, buttons: [] };
  if (button.source.view) {
    const home = await followHomePress(endpoints, options, since);
    return {
      button,
      press,
      buttons: home.buttons,
      ...(home.view ? { homeView: home.view } : { homeTimedOut: true }),
    };
  }
  const printer = createPrinter(options);
  const result = await followAnswer(endpoints, options, printer, { button, press, since });
  return { ...result, buttons: rememberButtons(endpoints, options, printer) };
};
