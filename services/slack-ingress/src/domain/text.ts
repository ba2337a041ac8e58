/**
 * Text that ends up in Slack mrkdwn. Anything a user typed, or a value read from the table, goes
 * through these helpers so it can never turn into a link, a mention or broken formatting.
 */

/** Slack's own escaping: the only three characters mrkdwn treats as markup. */
export const escapeMrkdwn = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Cuts text to `max` characters (Slack refuses a section over 3,000), marking the cut. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;

/** A value shown as inline code: escaped, backticks removed (they would end the span), bounded. */
export const code = (text: string, max = 80): string =>
  `\`${escapeMrkdwn(truncate(text.replaceAll('`', "'"), max))}\``;

/** One character described so a reader can see it even when it is invisible: `";" (U+003B)`. */
export const describeCharacter = (char: string): string => {
  const point = char.codePointAt(0) ?? 0;
  const hex = point.toString(16).toUpperCase().padStart(4, '0');
  const visible = /^[\x21-\x7E]$/.test(char) && char !== '`' ? `"${escapeMrkdwn(char)}" ` : '';
  return `${visible}(U+${hex})`;
};
