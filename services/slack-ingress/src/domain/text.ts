/**
 * Text that ends up in Slack mrkdwn. Anything a user typed, or a value read from the table, goes
 * through these helpers so it can never turn into a link, a mention or broken formatting.
 */

import { escapeMrkdwn } from '@branch-envs/shared/slack';

export { code, escapeMrkdwn, truncate } from '@branch-envs/shared/slack';

/** One character described so a reader can see it even when it is invisible: `";" (U+003B)`. */
export const describeCharacter = (char: string): string => {
  const point = char.codePointAt(0) ?? 0;
  const hex = point.toString(16).toUpperCase().padStart(4, '0');
  const visible = /^[\x21-\x7E]$/.test(char) && char !== '`' ? `"${escapeMrkdwn(char)}" ` : '';
  return `${visible}(U+${hex})`;
};
