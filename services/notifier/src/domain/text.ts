/**
 * Text that ends up in Slack mrkdwn. Every value from an event (branch, PR title, a reaper's message)
 * goes through these helpers so it can never turn into a link, a mention or broken formatting.
 */

import { code, escapeMrkdwn, truncate } from '@branch-envs/shared/slack';

export { code, escapeMrkdwn, truncate } from '@branch-envs/shared/slack';

/** A multi-line command shown as a code block; triple backticks inside would end the block. */
export const codeBlock = (text: string, max = 500): string =>
  `\`\`\`${escapeMrkdwn(truncate(text.replaceAll('```', "'''"), max))}\`\`\``;

/** Branch names and titles in bold, escaped; `*` is replaced so it cannot end the bold span. */
export const bold = (text: string, max = 200): string =>
  `*${escapeMrkdwn(truncate(text.replaceAll('*', '∗'), max))}*`;

const SAFE_URL = /^https?:\/\/[^\s<>|`]{1,400}$/;

/** A link Slack renders, or the URL as code when it could break the `<url|label>` syntax. */
export const link = (url: string, label?: string): string =>
  SAFE_URL.test(url) ? `<${url}|${escapeMrkdwn((label ?? url).replaceAll('|', '/'))}>` : code(url, 400);

/** Slack renders this in the reader's own time zone; the fallback (UTC) shows where it cannot. */
export const slackDate = (epochSeconds: number): string => {
  const iso = new Date(epochSeconds * 1000).toISOString();
  const fallback = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `<!date^${epochSeconds}^{date_short_pretty} at {time}|${fallback}>`;
};

export const mention = (userId: string): string => `<@${userId}>`;
