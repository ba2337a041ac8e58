/** `branch-envs`: talk to the local stack the way Slack and an operator would. */

import { Command, InvalidArgumentError } from 'commander';
import { registerOps } from '../ops/opsCommand';
import { DEFAULT_STATE_DIR, readEndpoints } from '../stack/stateFile';
import { fileButtonStore } from './buttons';
import type { ConversationOptions } from './conversation';
import { runForm } from './formFlow';
import { runHome } from './homeFlow';
import { isInteractive, offerButtons } from './interactive';
import { runInterrupt } from './interruptCommand';
import {
  caughtMessages,
  fireSchedule,
  formatDeployments,
  formatMessage,
  listDeployments,
} from './localCommands';
import { runPress } from './pressFlow';
import { describeRun } from './runSummary';
import { runSlash } from './slashFlow';
import { uploadBuild } from './uploadBuild';
import { runWebhook, type WebhookOptions } from './webhookCommand';

const seconds = (value: string): number => {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError('must be a positive number of seconds');
  return parsed;
};

const program = new Command('branch-envs')
  .description('Drive the branch-envs local stack (start it with `npm start`)')
  .option('--state-dir <dir>', 'where the running stack wrote endpoints.json (default <repo>/.local-state)');

const endpoints = () => readEndpoints(program.opts<{ stateDir?: string }>().stateDir);
const buttonStore = () =>
  fileButtonStore(
    program.opts<{ stateDir?: string }>().stateDir ?? process.env.BRANCH_ENVS_STATE_DIR ?? DEFAULT_STATE_DIR,
  );

interface TalkOptions {
  user: string;
  channel: string;
  timeout: number;
  follow: boolean;
  prompt: boolean;
}

/** What `slash` and `press` print and remember, and how long they follow. */
const conversation = (opts: TalkOptions): ConversationOptions => ({
  userId: opts.user,
  channelId: opts.channel,
  timeoutMs: opts.timeout * 1000,
  idleMs: 3000,
  follow: opts.follow,
  style: { ansi: Boolean(process.stdout.isTTY) },
  buttons: buttonStore(),
  print: (text) => console.log(text),
});

/** Offers the buttons a run printed at a prompt, when a person is at the terminal. */
const promptAfter = async (opts: TalkOptions, printed: number): Promise<void> => {
  if (printed > 0 && opts.prompt && isInteractive())
    await offerButtons(endpoints(), buttonStore(), conversation(opts));
};

program
  .command('slash')
  .description('send a signed slash command, e.g. "/deploy login", and follow the replies')
  .argument('<command>', 'the command line as typed in Slack')
  .option(
    '--user <id>',
    'Slack user id (the local stage allows U0LOCAL1, U0LOCAL2; U0ADMIN1 is admin)',
    'U0LOCAL1',
  )
  .option('--channel <id>', 'Slack channel id', 'C0LOCAL01')
  .option('--timeout <seconds>', 'stop following after this long', seconds, 120)
  .option('--no-follow', 'print the acknowledgement only')
  .option('--no-prompt', 'do not offer the printed buttons at a prompt (stdin a terminal)')
  .option('--url <url>', 'post somewhere other than the stack’s /slack/commands')
  .action(async (line: string, opts: TalkOptions & { url?: string }) => {
    const result = await runSlash(endpoints(), { ...conversation(opts), line, url: opts.url });
    if (result.ack.status !== 200 || result.follow?.end === 'timeout') process.exitCode = 1;
    else await promptAfter(opts, result.buttons.length);
  });

program
  .command('press')
  .description('press button <n> of the last printed message, as Slack would, and follow the replies')
  .argument('<n>', 'the number the button was printed with, e.g. 1 for [1: Deploy this]', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a button number, 1 or more');
    return n;
  })
  .option('--user <id>', 'Slack user id pressing it', 'U0LOCAL1')
  .option('--channel <id>', 'Slack channel id', 'C0LOCAL01')
  .option('--timeout <seconds>', 'stop following after this long', seconds, 120)
  .option('--no-follow', 'print ingress’s answer only')
  .option('--no-prompt', 'do not offer the printed buttons at a prompt (stdin a terminal)')
  .action(async (n: number, opts: TalkOptions) => {
    const result = await runPress(endpoints(), { ...conversation(opts), n, buttons: buttonStore() });
    if (result.press.status !== 200 || result.follow?.end === 'timeout' || result.homeTimedOut)
      process.exitCode = 1;
    else await promptAfter(opts, result.buttons.length);
  });

program
  .command('home')
  .description("open a user's App Home tab as Slack would (a signed app_home_opened) and print the view")
  .option('--user <id>', 'Slack user id opening it (U0LOCAL1, U0LOCAL2; U0ADMIN1 is admin)', 'U0LOCAL1')
  .option('--channel <id>', "the app's DM with the user, as Slack names it in the event", 'D0LOCAL01')
  .option('--timeout <seconds>', 'wait this long for the views.publish', seconds, 30)
  .option('--no-prompt', 'do not offer the printed buttons at a prompt (stdin a terminal)')
  .action(async (opts: Omit<TalkOptions, 'follow'>) => {
    const result = await runHome(endpoints(), {
      ...conversation({ ...opts, follow: true }),
      channelId: opts.channel,
    });
    if (result.status !== 200 || !result.view) process.exitCode = 1;
    else await promptAfter({ ...opts, follow: true }, result.buttons.length);
  });

program
  .command('form')
  .description(
    'open the Deploy form as the "Deploy a branch" shortcut does, type into its branch picker, pick, submit',
  )
  .argument('<typed>', 'what to type into the branch picker, e.g. checkout or #46')
  .option('--user <id>', 'Slack user id', 'U0LOCAL1')
  .option('--channel <id>', 'the channel picked for the conversation', 'C0LOCAL01')
  .option('--pick <n>', 'which offered branch to pick, from 1', (v) => Number(v), 1)
  .option('--fresh', 'tick --fresh')
  .action(async (typed: string, opts: { user: string; channel: string; pick: number; fresh?: boolean }) => {
    const result = await runForm(endpoints(), {
      userId: opts.user,
      channelId: opts.channel,
      typed,
      pick: opts.pick - 1,
      fresh: Boolean(opts.fresh),
    });
    for (const [i, o] of result.options.entries())
      console.log(`${i + 1 === opts.pick ? '→' : ' '} ${o.text.text}`);
    console.log(
      `submitted: HTTP ${result.submit.status}${result.submit.body ? ` ${result.submit.body}` : ''}`,
    );
    if (result.answer) console.log(result.answer.lines.join('\n'));
    if (result.submit.status !== 200 || result.submit.body !== '') process.exitCode = 1;
  });

const local = program.command('local').description('inspect and drive the running local stack');

local
  .command('deployments')
  .description('print the deployments table')
  .action(async () => {
    console.log(formatDeployments(await listDeployments(endpoints())));
  });

local
  .command('fire')
  .description('fire a schedule now (its logical id or its function name)')
  .argument('<schedule>')
  .action(async (name: string) => {
    for (const fired of await fireSchedule(endpoints(), name)) {
      const did = fired.ok ? describeRun(fired.value) : '';
      const outcome = fired.ok
        ? `ok in ${fired.durationMs} ms${did ? `: ${did}` : ''}`
        : `failed: ${fired.error?.errorType}: ${fired.error?.errorMessage}`;
      console.log(`fired ${fired.id} → ${fired.functionName}: ${outcome}`);
      if (!fired.ok) process.exitCode = 1;
    }
  });

local
  .command('interrupt')
  .description(
    "put EC2's Spot interruption warning for a deployment's instance on the default bus, as AWS would",
  )
  .argument('<id|branch>', 'a deploy id, or a branch (its newest live deployment)')
  .option('--action <action>', 'the instance-action EC2 announces: terminate, stop or hibernate', 'terminate')
  .option('--user <id>', 'Slack user id the printed buttons are remembered for', 'U0LOCAL1')
  .option('--channel <id>', 'Slack channel id', 'C0LOCAL01')
  .option('--timeout <seconds>', 'stop waiting for the message after this long', seconds, 60)
  .option('--no-follow', 'put the warning only')
  .option('--no-prompt', 'do not offer the printed buttons at a prompt (stdin a terminal)')
  .action(async (target: string, opts: TalkOptions & { action: string }) => {
    const result = await runInterrupt(endpoints(), target, { ...conversation(opts), action: opts.action });
    if (result.timedOut) process.exitCode = 1;
    else await promptAfter(opts, result.buttons.length);
  });

local
  .command('messages')
  .description('print what the Slack catcher has received')
  .option('--since <seq>', 'only messages after this sequence number', '0')
  .action(async (opts: { since: string }) => {
    const messages = await caughtMessages(endpoints(), Number(opts.since));
    console.log(
      messages.length === 0
        ? '(no messages yet)'
        : messages.map((m) => formatMessage(m, { ansi: Boolean(process.stdout.isTTY) })).join('\n'),
    );
  });

local
  .command('upload')
  .description(
    'upload a new build of a branch as CI would (every artifact, with its head-sha), so a live environment of it updates in place',
  )
  .argument('<branch>', 'the branch whose artifacts to upload')
  .option('--sha <sha>', 'the build’s head SHA, 40 hex characters (default: a new random one)')
  .option('--broken', 'a build whose app crashes on start: the update rolls back', false)
  .action(async (branch: string, opts: { sha?: string; broken: boolean }) => {
    const uploaded = await uploadBuild(endpoints(), branch, opts);
    for (const key of uploaded.keys) console.log(`uploaded s3://${uploaded.bucket}/${key}`);
    console.log(
      `build ${uploaded.headSha.slice(0, 7)}${opts.broken ? ' (marked crash-on-start)' : ''} of ${branch} is complete; a live environment that follows it updates in place`,
    );
  });

program
  .command('webhook')
  .description('send GitHub a signed webhook as GitHub would, e.g. `webhook pr-closed <branch> --merged`')
  .argument('<kind>', 'pr-closed')
  .argument('<branch>', 'the head branch of the pull request')
  .option('--merged', 'the pull request was merged (default: closed without merging)', false)
  .option('--number <n>', 'the pull request number (default: the demo repository’s for the branch)')
  .option('--fork <owner/name>', 'the head branch lives in this fork (its close must end nothing)')
  .option('--delivery <id>', 'X-GitHub-Delivery (repeat one to redeliver it)')
  .action(async (kind: string, branch: string, opts: WebhookOptions) => {
    const sent = await runWebhook(endpoints(), kind, branch, opts);
    console.log(`POST /github/webhook (delivery ${sent.deliveryId}) → ${sent.status} ${sent.body}`);
    if (sent.status >= 300) process.exitCode = 1;
  });

registerOps(program, () => program.opts<{ stateDir?: string }>().stateDir);

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`branch-envs: ${error.message}`);
  process.exit(1);
});
