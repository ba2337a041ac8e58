import { randomBytes } from 'node:crypto';
import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import type { ButtonSource, RememberedButton } from './buttons';
import { type ConversationOptions, createPrinter, rememberButtons } from './conversation';
import { caughtMessages, readSigningSecret } from './localCommands';
import { signedHeaders } from './slackSigning';
import { lastSeq } from './slashFlow';

/**
 * `branch-envs home --user U…`: what Slack does when a user opens the app's Home tab. It sends the
 * signed Events API `app_home_opened` the app subscribes to, waits for the app's views.publish for
 * that user in the Slack catcher, and prints the view with its buttons numbered for `press`.
 */

export interface HomeFlowOptions extends ConversationOptions {
  /** The app's DM with the user, which Slack names in the event's `channel`. */
  channelId: string;
  teamId?: string;
}

export interface HomeFlowResult {
  status: number;
  durationMs: number;
  view?: CaughtMessage;
  buttons: RememberedButton[];
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const eventId = (): string =>
  `Ev${Array.from(randomBytes(10), (byte) => ALNUM[byte % ALNUM.length]).join('')}`;

/** The Events API envelope around `app_home_opened`, as Slack documents it, for the Home tab. */
export const appHomeOpenedBody = (
  userId: string,
  channelId: string,
  teamId = 'T0LOCAL01',
  now = Date.now(),
): Record<string, unknown> => ({
  token: 'local-verification-token-unused',
  team_id: teamId,
  api_app_id: 'A0LOCAL01',
  event: {
    type: 'app_home_opened',
    user: userId,
    channel: channelId,
    tab: 'home',
    event_ts: `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`,
  },
  type: 'event_callback',
  event_id: eventId(),
  event_time: Math.floor(now / 1000),
  authorizations: [{ team_id: teamId, user_id: 'U0BOTLOCAL', is_bot: true, is_enterprise_install: false }],
});

/** Posts a JSON body to the app as Slack's Events API does: signed like every request. */
export const postSignedJson = (
  url: string,
  signingSecret: string,
  body: string,
  headers: Record<string, string> = {},
) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signedHeaders(signingSecret, body),
      ...headers,
    },
    body,
  });

/** The first views.publish for `userId` after `since`, or undefined when none came in time. */
export const waitForHomeView = async (
  endpoints: StackEndpoints,
  userId: string,
  since: number,
  timeoutMs: number,
): Promise<CaughtMessage | undefined> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const view = (await caughtMessages(endpoints, since)).find(
      (m) => m.kind === 'views.publish' && m.user === userId,
    );
    if (view) return view;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A caught Home view as the source of its buttons, so `press` can echo it as Slack does. */
export const homeViewSource = (m: CaughtMessage, fallbackChannel: string): ButtonSource => {
  const channel = text(m.payload.private_metadata) || fallbackChannel;
  const ms = Date.parse(m.receivedAt);
  return {
    channelId: channel,
    messageTs: `${Math.floor(ms / 1000)}.${String(m.seq).padStart(6, '0')}`,
    ephemeral: false,
    payload: m.payload,
    view: {
      id: text(m.payload.id),
      userId: m.user ?? '',
      privateMetadata: text(m.payload.private_metadata),
      callbackId: text(m.payload.callback_id),
      hash: text(m.payload.hash),
    },
  };
};

/** Prints a Home view with its buttons numbered, and remembers them for `branch-envs press <n>`. */
export const printHomeView = (
  endpoints: StackEndpoints,
  options: HomeFlowOptions,
  view: CaughtMessage,
): RememberedButton[] => {
  const printer = createPrinter(options);
  options.print(
    `── Home tab of ${view.user ?? options.userId} (views.publish, view ${text(view.payload.id)})`,
  );
  printer.reply(view.payload, homeViewSource(view, options.channelId));
  options.onMessage?.(view);
  return rememberButtons(endpoints, options, printer);
};

/** Slack re-sends an event the app did not answer with a 2xx, up to three times, with the same body. */
const SLACK_EVENT_RETRIES = 3;

/**
 * Delivers an event as Slack does: on a 5xx (or no answer) it is sent again, re-signed, with
 * `X-Slack-Retry-Num` and `X-Slack-Retry-Reason` (Slack waits up to minutes between tries; the CLI
 * does not). The app must not act twice on one `event_id`.
 */
const deliverEvent = async (url: string, secret: string, body: string, options: HomeFlowOptions) => {
  let status = 0;
  let durationMs = 0;
  for (let retry = 0; retry <= SLACK_EVENT_RETRIES; retry++) {
    const headers: Record<string, string> =
      retry === 0 ? {} : { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_error' };
    const started = Date.now();
    status = (await postSignedJson(url, secret, body, headers)).status;
    durationMs = Date.now() - started;
    options.print(`← HTTP ${status} in ${durationMs} ms${retry > 0 ? ` (Slack's retry ${retry})` : ''}`);
    if (status < 500) break;
  }
  return { status, durationMs };
};

export const runHome = async (
  endpoints: StackEndpoints,
  options: HomeFlowOptions,
): Promise<HomeFlowResult> => {
  const secret = await readSigningSecret(endpoints);
  const since = await lastSeq(endpoints);
  const body = JSON.stringify(appHomeOpenedBody(options.userId, options.channelId, options.teamId));
  options.print(
    `→ app_home_opened (tab home) for ${options.userId}, signed with ${endpoints.signingSecretParameter}`,
  );
  const url = `${endpoints.httpApiUrl}/slack/events`;
  const { status, durationMs } = await deliverEvent(url, secret, body, options);
  if (status !== 200) return { status, durationMs, buttons: [] };
  const view = await waitForHomeView(endpoints, options.userId, since, options.timeoutMs);
  if (!view) {
    options.print(`⏱ no views.publish for ${options.userId} within ${options.timeoutMs / 1000} s`);
    return { status, durationMs, buttons: [] };
  }
  return { status, durationMs, view, buttons: printHomeView(endpoints, options, view) };
};

/**
 * The last Home view published for `userId` after `since`, once the tab has been quiet for `idleMs`:
 * a change can republish the tab more than once (each lifecycle event refreshes it), and what the
 * user sees in the end is the last one.
 */
export const settledHomeView = async (
  endpoints: StackEndpoints,
  userId: string,
  since: number,
  timing: { timeoutMs: number; idleMs: number },
): Promise<CaughtMessage | undefined> => {
  const deadline = Date.now() + timing.timeoutMs;
  let latest = await waitForHomeView(endpoints, userId, since, timing.timeoutMs);
  while (latest && Date.now() < deadline) {
    const quietUntil = Math.min(deadline, Date.now() + timing.idleMs);
    const next = await waitForHomeView(endpoints, userId, latest.seq, quietUntil - Date.now());
    if (!next) return latest;
    latest = next;
  }
  return latest;
};

/**
 * After a press on a Home view there is no response_url to answer on: what the user sees is the tab
 * again, republished once the change has happened (the home function follows every lifecycle event).
 */
export const followHomePress = async (
  endpoints: StackEndpoints,
  options: ConversationOptions,
  since: number,
): Promise<{ view?: CaughtMessage; buttons: RememberedButton[] }> => {
  options.print(
    `… waiting for ${options.userId}'s Home tab to be republished (timeout ${options.timeoutMs / 1000} s)`,
  );
  const view = await settledHomeView(endpoints, options.userId, since, options);
  if (!view) {
    options.print(`⏱ no views.publish for ${options.userId} within ${options.timeoutMs / 1000} s`);
    return { buttons: [] };
  }
  const channelId = options.channelId ?? 'D0LOCAL01';
  return { view, buttons: printHomeView(endpoints, { ...options, channelId }, view) };
};
