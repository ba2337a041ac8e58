import { formatDuration } from '@branch-envs/shared/duration';
import type { NightlyConfig } from '@branch-envs/shared/lifetime';
import { zoneLabel } from '@branch-envs/shared/slack';
import { replies } from './messages/replies';
import { truncate } from './text';

/**
 * The few Block Kit shapes ingress sends, and the messages built from them. Every builder keeps to
 * Slack's limits (50 blocks, 3,000 characters per section text, 10 fields of 2,000), so a long branch
 * name or history can never make Slack reject a reply.
 */

import type { Button, TextObject } from '@branch-envs/shared/slack';

export type { Button, TextObject } from '@branch-envs/shared/slack';

export type Block =
  | { type: 'section'; text: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'divider' }
  | { type: 'actions'; elements: Button[] };

/** What a reply carries; `response_type` and `replace_original` are added where it is sent. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
const MAX_FIELD_TEXT = 2000;
const MAX_FALLBACK_TEXT = 3000;

export const section = (text: string, fields?: readonly string[]): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) },
  ...(fields && fields.length > 0
    ? {
        fields: fields
          .slice(0, 10)
          .map((f) => ({ type: 'mrkdwn' as const, text: truncate(f, MAX_FIELD_TEXT) })),
      }
    : {}),
});

export const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) }],
});

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, 150) },
});

/** A message whose fallback text (notifications, screen readers) is its first line. */
export const message = (fallback: string, blocks: readonly Block[]): SlackMessage => ({
  text: truncate(fallback, MAX_FALLBACK_TEXT),
  blocks: blocks.slice(0, MAX_BLOCKS),
});

/** A one-paragraph message. */
export const notice = (text: string): SlackMessage => message(text, [section(text)]);

export interface HelpOptions {
  deployCommand: string;
  terminateCommand: string;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  nightly: NightlyConfig;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `19:00 Helsinki`: the nightly shutdown's wall time in the stage's zone. */
const nightlyTime = ({ hour, minute, timeZone }: NightlyConfig): string =>
  `${pad(hour)}:${pad(minute)} ${zoneLabel(timeZone)}`;

const helpLines = ({
  deployCommand: d,
  terminateCommand: t,
  defaultTtlSeconds,
  maxTtlSeconds,
  nightly,
}: HelpOptions) => [
  `\`${d} <query> [for <duration>] [--fresh] [--no-follow] [--spot|--on-demand]\`: start an environment for the branch matching <query>: ` +
    'a branch fragment (`login-page`), a ticket id (`ABC-123`), a PR (`#42`) or `raw:<GitHub search qualifiers>`. ' +
    `It lives for ${formatDuration(defaultTtlSeconds)} (or until the nightly shutdown, if that comes first) unless you say \`for 30m\`, \`for 2h\` or \`for 1d\` ` +
    `(at most ${formatDuration(maxTtlSeconds)}). \`--fresh\` starts a new one even if the branch already runs; ` +
    '`--no-follow` keeps it on the build it started with, even when newer builds of the branch land. ' +
    '`--spot` or `--on-demand` picks the EC2 market for this one (Spot is cheaper, but EC2 may take it back).',
  `\`${d} list [mine]\`: every live environment (or yours): branch, owner, URL, state, time left, cost.`,
  `\`${d} status <id|branch>\`: one environment in detail, with its step history.`,
  `\`${d} extend <id|branch> <duration|overnight>\`: push the expiry out by a duration, or keep it ` +
    `overnight: until the nightly shutdown of the next day (owner or admin).`,
  `\`${d} update <id|branch> [--reseed]\`: update a ready environment in place to the newest build of its branch, ` +
    'keeping its URL and database (`--reseed`: restore the database from the dump instead) (owner or admin).',
  `\`${d} logs <id|branch> [app|boot] [--lines N]\`: the last N lines (default 100, at most 500) of the app's ` +
    'journal, or of the boot log, with secrets redacted (owner or admin; a few times a minute).',
  `*Every day at ${nightlyTime(nightly)} the nightly shutdown ends every environment* that is not kept overnight, ` +
    `whatever its time left; you are warned before it, with a Keep overnight button. Replies say which comes first.`,
  `\`${t} <id|branch|mine|all>\`: end environments; yours, or anyone's if you are an admin. Only admins may use \`all\`.`,
  `\`${d} help\`: this message.`,
];

/** The [Deploy a branch] button's action id; ingress opens the Deploy form for it (ADR 0026). */
export const OPEN_DEPLOY_FORM = 'open_deploy_form';

/** Usage and examples; `problem` (mrkdwn) leads when the help answers a mistake. */
export const helpMessage = (options: HelpOptions, problem?: string): SlackMessage => {
  const { deployCommand: d } = options;
  const lead = problem
    ? `:warning: ${problem}`
    : '*branch-envs* starts a throwaway environment for a branch.';
  return message(problem ? `${problem} Type ${d} help for usage.` : `${d} usage`, [
    section(lead),
    section(
      helpLines(options)
        .map((line) => `• ${line}`)
        .join('\n'),
    ),
    context(
      `Examples: \`${d} ABC-123\` · \`${d} login-page for 2h\` · \`${d} #42\` · \`${d} status ABC-123\``,
    ),
    // The Deploy form (ADR 0026): the same request, picked from the open pull requests.
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Deploy a branch' },
          action_id: OPEN_DEPLOY_FORM,
          value: 'form',
        },
      ],
    },
  ]);
};

/** The only thing a user sees when something broke on our side; `ref` finds it in the logs. */
export const somethingWentWrong = (ref: string): SlackMessage => notice(replies.somethingWentWrong(ref));
