import { truncate } from './text';

/**
 * The few Block Kit shapes the notifier sends. Every builder keeps to Slack's limits (50 blocks, 3,000
 * characters per section text, 2,000 per button value, 75 per button label), so a long branch name or
 * list can never make Slack reject a message.
 */

import { type Button, SLACK_ACTIONS, type TextObject } from '@branch-envs/shared/slack';

export type { Button, TextObject } from '@branch-envs/shared/slack';

export type Block =
  | { type: 'section'; text: TextObject; accessory?: Button }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; elements: Button[] };

/** A message body; routing adds `response_type`, `replace_original`, `channel` or `ts`. */
export interface SlackMessage {
  /** The notification and screen-reader text; Slack shows it where blocks cannot be shown. */
  text: string;
  blocks: Block[];
}

/**
 * Action ids that slack-ingress parses from button presses; a button's value is the deployId
 * (`extend`, `terminate`) or the branch name (`deploy_candidate`). Changing one breaks the buttons.
 */
export const ACTIONS = SLACK_ACTIONS;

const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_FALLBACK_TEXT = 3000;

export const section = (text: string, accessory?: Button): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) },
  ...(accessory ? { accessory } : {}),
});

export const context = (...parts: string[]): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(parts.filter(Boolean).join(' · '), MAX_SECTION_TEXT) }],
});

export const actions = (...elements: Button[]): Block => ({ type: 'actions', elements });

export const button = (
  label: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: truncate(label, 75) },
  action_id: actionId,
  value: truncate(value, 2000),
  ...(style ? { style } : {}),
});

/** Strips mrkdwn so the fallback text reads cleanly in a notification. */
const plain = (text: string): string =>
  text
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/[*`]/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** A message whose fallback text is its headline without markup. */
export const message = (headline: string, blocks: readonly Block[]): SlackMessage => ({
  text: truncate(plain(headline), MAX_FALLBACK_TEXT),
  blocks: blocks.slice(0, MAX_BLOCKS),
});
