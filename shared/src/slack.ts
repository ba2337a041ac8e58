/**
 * What slack-ingress and the notifier must agree on about Slack: the button action ids (the notifier
 * renders buttons, ingress parses presses), the Block Kit shapes both send, and the mrkdwn escaping
 * that keeps values from users and events from turning into links, mentions or broken formatting.
 */

/** Button action ids. A button's value is the deployId (`extend`, `terminate`) or the branch name. */
export const SLACK_ACTIONS = {
  deployCandidate: 'deploy_candidate',
  extend: 'extend',
  terminate: 'terminate',
} as const;

export type TextObject = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string };

export interface Button {
  type: 'button';
  text: { type: 'plain_text'; text: string };
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: {
    title: { type: 'plain_text'; text: string };
    text: { type: 'mrkdwn'; text: string };
    confirm: { type: 'plain_text'; text: string };
    deny: { type: 'plain_text'; text: string };
  };
}

/** Slack's own escaping: the only three characters mrkdwn treats as markup. */
export const escapeMrkdwn = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Cuts text to `max` characters (Slack refuses a section over 3,000), marking the cut. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;

/** A value shown as inline code: escaped, backticks removed (they would end the span), bounded. */
export const code = (text: string, max = 80): string =>
  `\`${escapeMrkdwn(truncate(text.replaceAll('`', "'"), max))}\``;
