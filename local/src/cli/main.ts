/** `branch-envs`: talk to the local stack the way Slack and an operator would. */
import { Command, InvalidArgumentError } from 'commander';
import { registerOps } from '../ops/opsCommand';
import { readEndpoints } from '../stack/stateFile';
import {
  caughtMessages,
  fireSchedule,
  formatDeployments,
  formatMessage,
  listDeployments,
} from './localCommands';
import { runSlash } from './slashFlow';

const seconds = (value: string): number => {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError('must be a positive number of seconds');
  return parsed;
};

const program = new Command('branch-envs')
  .description('Drive the branch-envs local stack (start it with `npm start`)')
  .option('--state-dir <dir>', 'where the running stack wrote endpoints.json (default <repo>/.local-state)');

const endpoints = () => readEndpoints(program.opts<{ stateDir?: string }>().stateDir);

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
  .option('--url <url>', 'post somewhere other than the stack’s /slack/commands')
  .action(
    async (
      line: string,
      opts: { user: string; channel: string; timeout: number; follow: boolean; url?: string },
    ) => {
      const result = await runSlash(endpoints(), {
        line,
        userId: opts.user,
        channelId: opts.channel,
        url: opts.url,
        timeoutMs: opts.timeout * 1000,
        idleMs: 5000,
        follow: opts.follow,
        print: (text) => console.log(text),
        onMessage: (message) => console.log(formatMessage(message)),
      });
      if (result.ack.status !== 200 || result.follow?.end === 'timeout') process.exitCode = 1;
    },
  );

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
      const outcome = fired.ok
        ? `ok in ${fired.durationMs} ms`
        : `failed: ${fired.error?.errorType}: ${fired.error?.errorMessage}`;
      console.log(`fired ${fired.id} → ${fired.functionName}: ${outcome}`);
      if (!fired.ok) process.exitCode = 1;
    }
  });

local
  .command('messages')
  .description('print what the Slack catcher has received')
  .option('--since <seq>', 'only messages after this sequence number', '0')
  .action(async (opts: { since: string }) => {
    const messages = await caughtMessages(endpoints(), Number(opts.since));
    console.log(messages.length === 0 ? '(no messages yet)' : messages.map(formatMessage).join('\n'));
  });

registerOps(program, () => program.opts<{ stateDir?: string }>().stateDir);

program.parseAsync(process.argv).catch((error: Error) => {
  console.error(`branch-envs: ${error.message}`);
  process.exit(1);
});
