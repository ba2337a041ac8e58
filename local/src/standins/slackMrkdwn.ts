/**
 * Slack mrkdwn as the Slack client shows it, for a terminal: `<!date^…>` in the reader's local time,
 * links as their text, mentions as `@U…`, `*bold*` without its asterisks, emoji shortcodes as emoji.
 * https://docs.slack.dev/messaging/formatting-message-text
 */

export interface MrkdwnStyle {
  /** ANSI styles and OSC 8 hyperlinks (a terminal); otherwise plain text, links followed by their URL. */
  ansi: boolean;
  /** "today", "yesterday" and `{ago}` are relative to this. */
  now?: Date;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const ordinal = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
};

const pad = (n: number): string => String(n).padStart(2, '0');

const clock = (at: Date, seconds: boolean): string => {
  const hours = at.getHours() % 12 === 0 ? 12 : at.getHours() % 12;
  const secs = seconds ? `:${pad(at.getSeconds())}` : '';
  return `${hours}:${pad(at.getMinutes())}${secs} ${at.getHours() < 12 ? 'AM' : 'PM'}`;
};

const dayOffset = (at: Date, now: Date): number => {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((midnight(at) - midnight(now)) / 86_400_000);
};

const ago = (at: Date, now: Date): string => {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  const [value, unit] = [
    [Math.abs(seconds) / 86_400, 'day'],
    [Math.abs(seconds) / 3600, 'hour'],
    [Math.abs(seconds) / 60, 'minute'],
  ].find(([v]) => Number(v) >= 1) ?? [Math.abs(seconds), 'second'];
  const n = Math.floor(Number(value));
  const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds >= 0 ? `${phrase} ago` : `in ${phrase}`;
};

/** The `{token}`s of Slack's date formatting, in local time. */
const dateTokens = (at: Date, now: Date): Record<string, string> => {
  const month = MONTHS[at.getMonth()] ?? '';
  const date = `${month} ${ordinal(at.getDate())}, ${at.getFullYear()}`;
  const dateShort = `${month.slice(0, 3)} ${at.getDate()}, ${at.getFullYear()}`;
  const dateLong = `${DAYS[at.getDay()]}, ${date}`;
  const relative = { [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' }[dayOffset(at, now)];
  return {
    date_num: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`,
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: relative ?? date,
    date_short_pretty: relative ?? dateShort,
    date_long_pretty: relative ?? dateLong,
    time: clock(at, false),
    time_secs: clock(at, true),
    ago: ago(at, now),
  };
};

/** `<!date^1392734382^{date_short_pretty} at {time}|fallback>`: the format filled in, or the fallback. */
export const formatSlackDate = (inner: string, now = new Date()): string => {
  const [command = '', ...fallbackParts] = inner.split('|');
  const [, epoch, format] = command.split('^');
  const at = new Date(Number(epoch) * 1000);
  if (!format || !epoch || Number.isNaN(at.getTime())) return fallbackParts.join('|');
  const tokens = dateTokens(at, now);
  return format.replace(/\{([a-z_]+)\}/g, (whole, name: string, offset: number) => {
    const value = tokens[name];
    if (value === undefined) return whole;
    // Slack capitalises a relative day that starts the text ("Today at 3:00 PM").
    return offset === 0 ? value.charAt(0).toUpperCase() + value.slice(1) : value;
  });
};

/** The emoji the services use, and a few common ones; Slack shows any other shortcode as an image. */
const EMOJI: Record<string, string> = {
  alarm_clock: '⏰',
  arrows_counterclockwise: '🔄',
  bell: '🔔',
  boom: '💥',
  calendar: '📅',
  construction: '🚧',
  crescent_moon: '🌙',
  eyes: '👀',
  fire: '🔥',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  label: '🏷️',
  link: '🔗',
  lock: '🔒',
  mag: '🔍',
  memo: '📝',
  new: '🆕',
  no_entry: '⛔',
  question: '❓',
  recycle: '♻️',
  rocket: '🚀',
  sleeping: '😴',
  stopwatch: '⏱️',
  tada: '🎉',
  warning: '⚠️',
  wastebasket: '🗑️',
  white_check_mark: '✅',
  x: '❌',
  zzz: '💤',
};

export const emojify = (text: string): string =>
  text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);

const decodeEntities = (text: string): string =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

const ansi = (on: string, off: string) => (text: string) => `\u001b[${on}m${text}\u001b[${off}m`;
const STYLES = {
  bold: ansi('1', '22'),
  italic: ansi('3', '23'),
  strike: ansi('9', '29'),
  code: ansi('36', '39'),
};

const hyperlink = (url: string, label: string, style: MrkdwnStyle): string => {
  if (style.ansi) return `\u001b]8;;${url}\u001b\\${label}\u001b]8;;\u001b\\`;
  return label === url || label === '' ? url : `${label} (${url})`;
};

/** One `<…>` of Slack's control syntax: a date, a special mention, a user, a channel or a link. */
const renderControl = (inner: string, style: MrkdwnStyle): string => {
  const [target = '', ...rest] = inner.split('|');
  const label = decodeEntities(rest.join('|'));
  if (target.startsWith('!date^')) return decodeEntities(formatSlackDate(inner, style.now));
  if (target.startsWith('!subteam^')) return label || `@${target.slice('!subteam^'.length)}`;
  if (target.startsWith('!')) return label || `@${target.slice(1)}`;
  if (target.startsWith('@')) return label ? `@${label.replace(/^@/, '')}` : target;
  if (target.startsWith('#')) return label ? `#${label.replace(/^#/, '')}` : target;
  return hyperlink(decodeEntities(target), label, style);
};

/** Bold, italic and strikethrough need a word boundary outside and no space just inside, as in Slack. */
const inlineStyles = (text: string, style: MrkdwnStyle): string => {
  const span = (mark: string, apply: (t: string) => string) => {
    const m = `\\${mark}`;
    const pattern = new RegExp(
      `(^|[^\\w${m}])${m}([^\\s${m}](?:[^${m}\\n]*[^\\s${m}])?)${m}(?=$|[^\\w${m}])`,
      'gm',
    );
    text = text.replace(pattern, (_whole, before: string, inner: string) => `${before}${apply(inner)}`);
  };
  const plain = (t: string) => t;
  span('*', style.ansi ? STYLES.bold : plain);
  span('_', style.ansi ? STYLES.italic : plain);
  span('~', style.ansi ? STYLES.strike : plain);
  return text;
};

const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * Renders one mrkdwn text. Code spans and `<…>` controls are set aside first (Slack formats neither
 * inside), then styles, emoji and entities are applied around them, then they are put back rendered.
 */
export const renderMrkdwn = (text: string, style: MrkdwnStyle): string => {
  const kept: string[] = [];
  const keep = (rendered: string) => `\uE000${kept.push(rendered) - 1}\uE001`;
  const codeStyle = (inner: string, fence: string) =>
    style.ansi ? STYLES.code(decodeEntities(inner)) : `${fence}${decodeEntities(inner)}${fence}`;
  let out = text
    .replace(/```([\s\S]*?)```/g, (_w, inner: string) => keep(codeStyle(inner, '```')))
    .replace(/`([^`\n]+)`/g, (_w, inner: string) => keep(codeStyle(inner, '`')))
    .replace(/<([^<>\n]+)>/g, (_w, inner: string) => keep(renderControl(inner, style)));
  out = inlineStyles(out, style).replace(/^>\s?/gm, '▎ ');
  out = decodeEntities(emojify(out));
  return out.replace(PLACEHOLDER, (_w, index: string) => kept[Number(index)] ?? '');
};

/** Plain text objects are shown as written, with `emoji: true` (the default) turning shortcodes into emoji. */
export const renderPlainText = (text: string, emoji = true): string => (emoji ? emojify(text) : text);
