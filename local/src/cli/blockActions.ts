import { randomBytes } from 'node:crypto';
import type { RememberedButton } from './buttons';
import { postSignedForm } from './slackSigning';

export interface Presser {
  userId: string;
  userName?: string;
  teamId?: string;
  teamDomain?: string;
  channelName?: string;
}

const digits = (n: number): string =>
  Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/** Slack's `ts` shape, seconds and microseconds: `1700000000.000100`. */
const slackTs = (now: number): string =>
  `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`;

/**
 * The `block_actions` payload Slack sends when a user clicks a button
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload), with a fresh
 * response_url on hooks.slack.com/actions. A message the app posted (not ephemeral) is echoed back in
 * `message`; an ephemeral one is known only by its container, as in Slack.
 */
export const blockActionsPayload = (
  button: RememberedButton,
  presser: Presser,
  now = Date.now(),
): Record<string, unknown> => {
  if (button.source.view) return viewActionsPayload(button, presser, now);
  const team = presser.teamId ?? 'T0LOCAL01';
  const { source } = button;
  const name = presser.userName ?? presser.userId;
  return {
    type: 'block_actions',
    user: { id: presser.userId, username: name, name, team_id: team },
    api_app_id: 'A0LOCAL01',
    token: 'local-verification-token-unused',
    container: {
      type: 'message',
      message_ts: source.messageTs,
      channel_id: source.channelId,
      is_ephemeral: source.ephemeral,
    },
    trigger_id: `${digits(13)}.${digits(11)}.${randomBytes(16).toString('hex')}`,
    team: { id: team, domain: presser.teamDomain ?? 'branch-envs-local' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: source.channelId, name: presser.channelName ?? 'deploys' },
    ...(source.ephemeral ? {} : { message: { type: 'message', ts: source.messageTs, ...source.payload } }),
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${team}/${digits(13)}/${randomBytes(12).toString('base64url')}`,
    actions: [
      {
        action_id: button.actionId,
        block_id: button.blockId,
        text: { type: 'plain_text', text: button.label, emoji: true },
        value: button.value,
        ...(button.style ? { style: button.style } : {}),
        type: 'button',
        action_ts: slackTs(now),
      },
    ],
  };
};

const actionOf = (button: RememberedButton, now: number) => ({
  action_id: button.actionId,
  block_id: button.blockId,
  text: { type: 'plain_text', text: button.label, emoji: true },
  value: button.value,
  ...(button.style ? { style: button.style } : {}),
  type: 'button',
  action_ts: slackTs(now),
});

/**
 * A press on a Home tab view, as Slack sends it: the container is the view, the view is echoed whole
 * (with its private_metadata), and there is neither a channel nor a response_url.
 */
const viewActionsPayload = (
  button: RememberedButton,
  presser: Presser,
  now: number,
): Record<string, unknown> => {
  const team = presser.teamId ?? 'T0LOCAL01';
  const view = button.source.view;
  const name = presser.userName ?? presser.userId;
  return {
    type: 'block_actions',
    user: { id: presser.userId, username: name, name, team_id: team },
    api_app_id: 'A0LOCAL01',
    token: 'local-verification-token-unused',
    container: { type: 'view', view_id: view?.id },
    trigger_id: `${digits(13)}.${digits(11)}.${randomBytes(16).toString('hex')}`,
    team: { id: team, domain: presser.teamDomain ?? 'branch-envs-local' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      ...button.source.payload,
      id: view?.id,
      type: 'home',
      team_id: team,
      private_metadata: view?.privateMetadata ?? '',
      callback_id: view?.callbackId ?? '',
      hash: view?.hash ?? '',
    },
    actions: [actionOf(button, now)],
  };
};

export interface PressResult {
  status: number;
  durationMs: number;
  body: string;
  /** The path part of the press's response_url, what the catcher records the answers under ('' for a Home view). */
  responsePath: string;
}

/** Posts the payload as Slack does: a form with one `payload` field of JSON, signed like a slash command. */
export const sendButtonPress = async (
  interactionsUrl: string,
  signingSecret: string,
  payload: Record<string, unknown>,
  now = Date.now(),
): Promise<PressResult> => {
  const body = new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
  const started = Date.now();
  const response = await postSignedForm(interactionsUrl, signingSecret, body, now);
  return {
    status: response.status,
    durationMs: Date.now() - started,
    body: await response.text(),
    responsePath: typeof payload.response_url === 'string' ? new URL(payload.response_url).pathname : '',
  };
};
