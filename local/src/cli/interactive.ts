import { createInterface } from 'node:readline/promises';
import type { StackEndpoints } from '../stack/stateFile';
import type { ButtonStore } from './buttons';
import type { ConversationOptions } from './conversation';
import { PressError, runPress } from './pressFlow';

/** True when a person is at the keyboard: stdin and stdout are both a terminal. */
export const isInteractive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

const ask = async (question: string): Promise<string> => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
};

/** Presses the button a person typed, telling them (not throwing) when there is no such button. */
const pressTyped = async (
  endpoints: StackEndpoints,
  store: ButtonStore,
  options: ConversationOptions,
  answer: string,
): Promise<void> => {
  if (!/^\d+$/.test(answer)) return options.print(`"${answer}" is not a button number.`);
  try {
    await runPress(endpoints, { ...options, n: Number(answer), buttons: store });
  } catch (error) {
    if (!(error instanceof PressError)) throw error;
    options.print(error.message);
  }
};

/**
 * After a run that printed buttons, offers them at a prompt, as a Slack user would click one: each
 * answer is a `press`, whose own buttons are offered next. An empty answer (or Ctrl-D) ends it.
 */
export const offerButtons = async (
  endpoints: StackEndpoints,
  store: ButtonStore,
  options: ConversationOptions,
): Promise<void> => {
  for (;;) {
    const board = store.load();
    if (!board || board.buttons.length === 0 || board.stackStartedAt !== endpoints.startedAt) return;
    const choices = board.buttons.map((b) => `${b.n} ${b.label}`).join(', ');
    const answer = await ask(`press a button (${choices}), or Enter to finish: `).catch(() => '');
    if (answer === '') return;
    await pressTyped(endpoints, store, options, answer);
  }
};
