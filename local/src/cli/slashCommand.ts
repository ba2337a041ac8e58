import { randomBytes } from 'node:crypto';
import { findDeployId, renderSlackMessage } from '../standins/slackRender';
import { postSignedForm } from './slackSigning';

export interface SlashInvocation {
  /** e.g. `/deploy login`; the first word is the command, the rest its text. */
  line: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
}

export class SlashSyntaxError extends Error {
  public constructor(line: string) {
    super(`"${line}" is not a slash command: it must start with /, e.g. "/deploy login"`);
    this.name = 'SlashSyntaxError';
  }
}

export const parseSlashLine = (line: string): { command: string; text: string } => {
  const match = /^\s*(\/[^\s]+)\s*(.*)$/s.exec(line);
  if (!match?.[1]) throw new SlashSyntaxError(line);
  return { command: match[1], text: (match[2] ?? '').trim() };
};

const digits = (n: number): string =>
  Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/**
 * The form fields Slack posts for a slash command, in Slack's order, with a fresh response_url on
 * hooks.slack.com (the services swap its origin for the Slack catcher's in local mode).
 */
export const slashCommandForm = (invocation: SlashInvocation): URLSearchParams => {
  const { command, text } = parseSlashLine(invocation.line);
  const team = invocation.teamId ?? 'T0LOCAL01';
  return new URLSearchParams([
    ['token', 'local-verification-token-unused'],
    ['team_id', team],
    ['team_domain', invocation.teamDomain ?? 'branch-envs-local'],
    ['channel_id', invocation.channelId ?? 'C0LOCAL01'],
    ['channel_name', invocation.channelName ?? 'deploys'],
    ['user_id', invocation.userId],
    ['user_name', invocation.userName ?? invocation.userId],
    ['command', command],
    ['text', text],
    ['api_app_id', 'A0LOCAL01'],
    ['is_enterprise_install', 'false'],
    [
      'response_url',
      `https://hooks.slack.com/commands/${team}/${digits(12)}/${randomBytes(12).toString('base64url')}`,
    ],
    ['trigger_id', `${digits(13)}.${digits(11)}.${randomBytes(16).toString('hex')}`],
  ]);
};

export interface SlashResult {
  status: number;
  durationMs: number;
  /** The acknowledgement as Slack would show it. */
  lines: string[];
  body: string;
  /** The acknowledgement as parsed: a Slack message. */
  payload: unknown;
  deployId?: string;
  /** The path part of the response_url, what the catcher records follow-ups under. */
  responsePath: string;
}

const parseAck = (body: string): unknown => {
  if (body.trim() === '') return { text: '' };
  try {
    return JSON.parse(body);
  } catch {
    return { text: body };
  }
};

/** Signs the form with the signing secret exactly as Slack does and posts it to the ingress. */
export const sendSlashCommand = async (
  ingressUrl: string,
  signingSecret: string,
  form: URLSearchParams,
  now = Date.now(),
): Promise<SlashResult> => {
  const body = form.toString();
  const started = Date.now();
  const response = await postSignedForm(ingressUrl, signingSecret, body, now);
  const text = await response.text();
  const ack = parseAck(text);
  return {
    status: response.status,
    durationMs: Date.now() - started,
    lines: renderSlackMessage(ack),
    body: text,
    payload: ack,
    deployId: findDeployId(ack),
    responsePath: new URL(form.get('response_url') ?? 'https://hooks.slack.com/').pathname,
  };
};
