import { randomBytes } from 'node:crypto';
import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import type { OpenedView } from '../standins/slackViewsCatcher';
import { caughtMessages, readSigningSecret } from './localCommands';
import { postSignedForm } from './slackSigning';

/**
 * `branch-envs form`: the Deploy form as Slack drives it (ADR 0026). A signed global shortcut, the
 * modal ingress opened (read from the catcher's views.open), a signed block_suggestion with what the
 * user types, then a signed view_submission with the option picked. Nothing is faked on ingress's side.
 */
export interface FormOptions {
  userId: string;
  channelId: string;
  /** What is typed into the branch picker. */
  typed: string;
  /** Which of the offered options to pick, from 0. */
  pick?: number;
  lifetimeSeconds?: number;
  fresh?: boolean;
  timeoutMs?: number;
}

export interface FormResult {
  view: OpenedView['view'];
  options: { text: { text: string }; value: string }[];
  submit: { status: number; body: string };
  /** Ingress's acknowledgement on the form's response_url, once it came. */
  answer?: CaughtMessage;
}

export class FormError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

const TEAM = 'T0LOCAL01';
const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM });

const post = async (endpoints: StackEndpoints, secret: string, payload: unknown) => {
  const body = new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
  const response = await postSignedForm(`${endpoints.httpApiUrl}/slack/interactions`, secret, body);
  return { status: response.status, body: await response.text() };
};

const poll = async <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new FormError(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

const openedView = async (endpoints: StackEndpoints, triggerId: string): Promise<OpenedView | undefined> => {
  const response = await fetch(`${endpoints.slackCatcherUrl}/_views`);
  const { views } = (await response.json()) as { views: OpenedView[] };
  return views.find((v) => v.triggerId === triggerId);
};

const initialLifetime = (view: Record<string, unknown>): string | undefined => {
  const blocks = (view.blocks ?? []) as {
    block_id?: string;
    element?: { initial_option?: { value?: string } };
  }[];
  return blocks.find((b) => b.block_id === 'lifetime')?.element?.initial_option?.value;
};

const submission = (opts: FormOptions, branch: string, lifetime: string, responseUrl: string) => ({
  type: 'view_submission',
  team: { id: TEAM },
  user: user(opts.userId),
  view: {
    id: 'V0LOCALFORM',
    callback_id: 'deploy_form',
    private_metadata: '',
    state: {
      values: {
        branch: { branch: { type: 'external_select', selected_option: { value: branch } } },
        query: { query: { type: 'plain_text_input', value: null } },
        lifetime: { lifetime: { type: 'static_select', selected_option: { value: lifetime } } },
        fresh: { fresh: { type: 'checkboxes', selected_options: opts.fresh ? [{ value: 'fresh' }] : [] } },
        channel: { channel: { type: 'conversations_select', selected_conversation: opts.channelId } },
      },
    },
  },
  response_urls: [
    { block_id: 'channel', action_id: 'channel', channel_id: opts.channelId, response_url: responseUrl },
  ],
});

export const runForm = async (endpoints: StackEndpoints, opts: FormOptions): Promise<FormResult> => {
  const secret = await readSigningSecret(endpoints);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const triggerId = `${Date.now()}.${Math.floor(Math.random() * 1e11)}.${randomBytes(16).toString('hex')}`;
  const shortcut = {
    type: 'shortcut',
    team: { id: TEAM },
    user: user(opts.userId),
    callback_id: 'deploy_branch',
    trigger_id: triggerId,
  };
  const opened = await post(endpoints, secret, shortcut);
  if (opened.status !== 200) throw new FormError(`the shortcut was answered HTTP ${opened.status}`);
  const { view } = await poll('views.open', timeoutMs, () => openedView(endpoints, triggerId));
  const suggestion = {
    type: 'block_suggestion',
    team: { id: TEAM },
    user: user(opts.userId),
    action_id: 'branch',
    block_id: 'branch',
    value: opts.typed,
  };
  const suggested = await post(endpoints, secret, suggestion);
  const { options = [] } = JSON.parse(suggested.body || '{}') as { options?: FormResult['options'] };
  const picked = options[opts.pick ?? 0];
  if (!picked) throw new FormError(`nothing offered for "${opts.typed}"`);
  const lifetime = String(opts.lifetimeSeconds ?? initialLifetime(view) ?? '');
  const responsePath = `/app/${TEAM}/${Date.now()}/${randomBytes(8).toString('hex')}`;
  const submit = await post(
    endpoints,
    secret,
    submission(opts, picked.value, lifetime, `https://hooks.slack.com${responsePath}`),
  );
  const answer = await poll('acknowledgement', timeoutMs, async () =>
    (await caughtMessages(endpoints)).find((m) => m.path === responsePath),
  ).catch(() => undefined);
  return { view, options, submit, ...(answer ? { answer } : {}) };
};
