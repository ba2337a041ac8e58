import { type Lifetime, type NightlyConfig, overnightEnd, realEnd } from './lifetime';

/**
 * What slack-ingress and the notifier must agree on about Slack: the button action ids (the notifier
 * renders buttons, ingress parses presses), the Block Kit shapes both send, and the mrkdwn escaping
 * that keeps values from users and events from turning into links, mentions or broken formatting.
 */

/**
 * Button action ids. A button's value is the deployId (`extend`, `keep_overnight`, `terminate`) or the
 * branch name (`deploy_candidate`).
 */
export const SLACK_ACTIONS = {
  deployCandidate: 'deploy_candidate',
  extend: 'extend',
  keepOvernight: 'keep_overnight',
  terminate: 'terminate',
  /** On a quota refusal; its value is the refused request's deployId (ADR 0025). */
  queueMe: 'queue_me',
  /** After a Spot interruption; its value is the branch, redeployed on-demand (ADR 0028). */
  redeploy: 'redeploy',
  /** [Logs] on a ready message and the Home tab: the app's journal; its value is the deployId (ADR 0030). */
  logsApp: 'logs_app',
  /** [Logs] on a failed message: the boot log; its value is the deployId (ADR 0030). */
  logsBoot: 'logs_boot',
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

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const dayFormatter = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
    });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter;
};

/** `Europe/Helsinki` → `Helsinki`: how people name the stage's zone. */
export const zoneLabel = (timeZone: string): string =>
  (timeZone.split('/').pop() ?? timeZone).replaceAll('_', ' ');

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A time in the stage's zone as a person says it, relative to `now`, always with its date:
 * `19:00 Helsinki tonight, Tue 1 Dec`, `09:30 Helsinki tomorrow, Wed 2 Dec`, `19:00 Helsinki on Thu 3 Dec`.
 */
export const wallClockPhrase = (epochSeconds: number, now: Date, timeZone: string): string => {
  const instant = new Date(epochSeconds * 1000);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const dayOf = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);
  const time = `${pad(part('hour'))}:${pad(part('minute'))} ${zoneLabel(timeZone)}`;
  const date = dayFormatter(timeZone).format(instant).replace(',', '');
  const tomorrow = new Date(now.getTime() + 86_400_000);
  if (dayOf(instant) === dayOf(now)) return `${time} ${part('hour') >= 17 ? 'tonight' : 'today'}, ${date}`;
  if (dayOf(instant) === dayOf(tomorrow)) return `${time} tomorrow, ${date}`;
  return `${time} on ${date}`;
};

/**
 * A Slack date token: Slack shows it in the reader's own zone; the fallback (clients that cannot,
 * notifications, the local CLI) names the stage's zone.
 */
export const slackTime = (epochSeconds: number, now: Date, timeZone: string): string =>
  `<!date^${epochSeconds}^{date_short_pretty} at {time}|${wallClockPhrase(epochSeconds, now, timeZone)}>`;

/** What messages state an environment's end against: now, and when the nightly shutdown runs. */
export interface Clocked {
  now: Date;
  nightly: NightlyConfig;
}

/** `until 19:00 Helsinki tonight, Tue 1 Dec (nightly shutdown)`: the real end (ADR 0012) as a date token. */
export const untilPhrase = (lifetime: Lifetime, view: Clocked): string => {
  const end = realEnd(lifetime, view.now, view.nightly);
  const when = slackTime(end.at, view.now, view.nightly.timeZone);
  return end.cause === 'nightly' ? `until ${when} (nightly shutdown)` : `until ${when}`;
};

/** What `overnight` gives: `until 19:00 Helsinki tomorrow, Wed 2 Dec`. */
export const overnightPhrase = (view: Clocked): string =>
  `until ${slackTime(Math.floor(overnightEnd(view.now, view.nightly).getTime() / 1000), view.now, view.nightly.timeZone)}`;
