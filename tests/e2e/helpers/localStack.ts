/**
 * The end-to-end harness: starts the whole local stack in this process on free ports, with its own
 * moto, schedules fired only on demand and no endpoints.json (so a developer's `npm start` is left
 * alone), and drives it through the CLI's functions. Service issues add their scenarios next to
 * tests/e2e/localStack.test.ts and start the stack with `startTestStack()`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ButtonStore, memoryButtonStore } from '../../../local/src/cli/buttons';
import { type PressFlowResult, runPress } from '../../../local/src/cli/pressFlow';
import { runSlash, type SlashFlowResult } from '../../../local/src/cli/slashFlow';
import {
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '../../../local/src/stack/localStack';
import { REPO_ROOT } from '../../../local/src/templates/packaging';

export interface TestStack {
  stack: LocalStack;
  /** Everything the stack, the functions and the Slack catcher printed, for failure messages. */
  output: string[];
  /** `branch-envs slash "<line>" --user <user>`, returning what the CLI would print. */
  slash(line: string, options?: TalkOptions): Promise<SlashFlowResult & { printed: string[] }>;
  /** `branch-envs press <n>`: the button numbered `n` by the last slash or press that printed buttons. */
  press(n: number, options?: TalkOptions): Promise<PressFlowResult & { printed: string[] }>;
  /** The buttons remembered between slash and press, as buttons.json holds them for the CLI. */
  buttons: ButtonStore;
  stop(): Promise<void>;
}

/** True once a service exists in the tree; scenarios for services still being written skip until then. */
export const serviceExists = (name: string): boolean =>
  existsSync(join(REPO_ROOT, 'services', name, 'serverless.yml'));

/** The local users the slack-ingress stage `local` allows (see services/slack-ingress/serverless.yml). */
export const LOCAL_USER = 'U0LOCAL1';

export interface TalkOptions {
  user?: string;
  timeoutMs?: number;
  idleMs?: number;
  follow?: boolean;
}

export const startTestStack = async (options: Partial<LocalStackOptions> = {}): Promise<TestStack> => {
  const output: string[] = [];
  const stack = await startLocalStack({
    stateDir: undefined,
    schedules: false,
    prewarm: 'http',
    bootDelayMs: 300,
    maxVisibilitySeconds: 2,
    env: {},
    log: (line) => output.push(line),
    functionLog: (fn, line) => output.push(`[${fn}] ${line}`),
    slackPrint: (text) => output.push(text),
    ...options,
  });
  const buttons = memoryButtonStore();
  const talk = (printed: string[], options: TalkOptions) => ({
    userId: options.user ?? LOCAL_USER,
    timeoutMs: options.timeoutMs ?? 30_000,
    idleMs: options.idleMs ?? 1500,
    follow: options.follow ?? true,
    buttons,
    print: (text: string) => printed.push(text),
  });
  return {
    stack,
    output,
    buttons,
    slash: async (line, slashOptions = {}) => {
      const printed: string[] = [];
      const result = await runSlash(stack.endpoints, { ...talk(printed, slashOptions), line });
      return { ...result, printed };
    },
    press: async (n, pressOptions = {}) => {
      const printed: string[] = [];
      const result = await runPress(stack.endpoints, { ...talk(printed, pressOptions), n, buttons });
      return { ...result, printed };
    },
    stop: () => stack.stop(),
  };
};

/** Polls `probe` until it answers; on timeout the error carries the stack's last 40 lines of output. */
export const waitUntil = async <T>(
  stack: TestStack,
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}\n${stack.output.slice(-40).join('\n')}`);
};

/**
 * A slash command sent again, as a user would retype it, while ingress answers 503: on a loaded
 * two-core machine its first DynamoDB and EventBridge calls can outlast its timeout. Up to five tries.
 */
export const slashAnswered = async (
  stack: TestStack,
  line: string,
  options: TalkOptions = {},
): Promise<Awaited<ReturnType<TestStack['slash']>>> => {
  let result = await stack.slash(line, options);
  for (let retry = 0; retry < 4 && result.ack.status === 503; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    result = await stack.slash(line, options);
  }
  return result;
};
