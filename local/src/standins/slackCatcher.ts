import type { IncomingMessage } from 'node:http';
import { isRecord } from '../templates/cfnTypes';
import {
  type Answer,
  type LocalServer,
  listen,
  parseJsonBody,
  type RequestTap,
  readBody,
  send,
} from './httpServer';
import { createFilesCatcher } from './slackFiles';
import { displayOptions, findDeployId, renderSlackMessage } from './slackRender';
import { createViewsApi, type ViewsMethod } from './slackViews';
import { createViewsCatcher } from './slackViewsCatcher';

export type CaughtKind =
  | 'response_url'
  | 'chat.postMessage'
  | 'chat.update'
  | 'webhook'
  | 'files.completeUploadExternal'
  | ViewsMethod;

/** One message a service sent towards Slack, as the catcher recorded it. */
export interface CaughtMessage {
  seq: number;
  receivedAt: string;
  kind: CaughtKind;
  /** The request path, e.g. `/commands/T0001/123/abc` for a response_url post. */
  path: string;
  channel?: string;
  ts?: string;
  /** `views.publish`: whose Home tab the view is; the payload is then the view as Slack stored it. */
  user?: string;
  deployId?: string;
  /** The rendered lines, as printed in the terminal. */
  lines: string[];
  payload: Record<string, unknown>;
}

export interface SlackCatcherOptions {
  port?: number;
  /** When set, chat API calls must carry `Authorization: Bearer <botToken>`, as Slack requires. */
  botToken?: string;
  print?(text: string): void;
  /** Sees every request whole, headers and body (the e2e secrets scan). */
  tap?: RequestTap;
}

export interface SlackCatcher extends LocalServer {
  messages(since?: number): CaughtMessage[];
  reset(): void;
}

/** Slack lets a response_url be used five times. */
const RESPONSE_URL_USES = 5;

const parsePayload = (req: IncomingMessage, body: Buffer): Record<string, unknown> => {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    const form: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const inner = typeof form.payload === 'string' ? parseJsonBody(Buffer.from(form.payload)) : undefined;
    if (isRecord(inner)) return inner;
    for (const key of ['blocks', 'attachments'])
      if (typeof form[key] === 'string') form[key] = parseJsonBody(Buffer.from(form[key]));
    return form;
  }
  const parsed = parseJsonBody(body);
  return isRecord(parsed) ? parsed : { text: body.toString('utf8') };
};

let tsCounter = 100;
/** Slack message timestamps look like `1700000000.000100`. */
const newTs = (): string => `${Math.floor(Date.now() / 1000)}.${String(tsCounter++).padStart(6, '0')}`;

const formatForTerminal = (m: CaughtMessage): string => {
  const where = m.channel ? `#${m.channel}` : m.user ? `@${m.user}` : m.path;
  const flags = [m.payload.response_type, m.payload.replace_original ? 'replace' : undefined]
    .filter(Boolean)
    .join(', ');
  const head = `── Slack ▸ ${m.kind}${flags ? ` (${flags})` : ''} ${where}${m.deployId ? ` · ${m.deployId}` : ''}`;
  const lines = renderSlackMessage(m.payload, displayOptions({ ansi: false }));
  return [head, ...lines.map((line) => `   ${line}`)].join('\n');
};

const slackError = (error: string): Answer => ({ status: 200, body: { ok: false, error } });

/** The catcher's memory: messages in arrival order and how often each response_url was used. */
const createInbox = (print?: (text: string) => void) => {
  let messages: CaughtMessage[] = [];
  const uses = new Map<string, number>();
  let seq = 0;
  return {
    list: (since = 0) => messages.filter((m) => m.seq > since),
    last: () => seq,
    find: (channel: string, ts: unknown) => messages.find((m) => m.channel === channel && m.ts === ts),
    use: (path: string) => {
      const count = (uses.get(path) ?? 0) + 1;
      uses.set(path, count);
      return count;
    },
    record: (
      kind: CaughtKind,
      path: string,
      payload: Record<string, unknown>,
      extra: Partial<CaughtMessage> = {},
    ) => {
      const message: CaughtMessage = {
        seq: ++seq,
        receivedAt: new Date().toISOString(),
        kind,
        path,
        deployId: findDeployId(payload),
        lines: renderSlackMessage(payload),
        payload,
        ...extra,
      };
      messages.push(message);
      print?.(formatForTerminal(message));
    },
    clear: () => {
      messages = [];
      uses.clear();
      seq = 0;
    },
  };
};

type Inbox = ReturnType<typeof createInbox>;

const chatApi = (
  inbox: Inbox,
  options: SlackCatcherOptions,
  req: IncomingMessage,
  payload: Record<string, unknown>,
): Answer => {
  const auth = req.headers.authorization;
  if (!auth) return slackError('not_authed');
  if (options.botToken && auth !== `Bearer ${options.botToken}`) return slackError('invalid_auth');
  const channel = typeof payload.channel === 'string' ? payload.channel : undefined;
  if (!channel) return slackError('channel_not_found');
  const path = req.url ?? '';
  if (path.endsWith('chat.update')) {
    const original = inbox.find(channel, payload.ts);
    if (!original) return slackError('message_not_found');
    inbox.record('chat.update', path, payload, { channel, ts: original.ts });
    return { status: 200, body: { ok: true, channel, ts: original.ts, text: payload.text ?? '' } };
  }
  const ts = newTs();
  inbox.record('chat.postMessage', path, payload, { channel, ts });
  return { status: 200, body: { ok: true, channel, ts, message: { ...payload, ts, type: 'message' } } };
};

/** The bot token's scopes, as Slack's app settings grant them (slack-app-manifest.yml). */
export const CATCHER_BOT_SCOPES = ['commands', 'chat:write', 'files:write'];

/**
 * auth.test as Slack answers it: HTTP 200 either way, `ok: false` with `not_authed` or `invalid_auth`,
 * and the token's scopes in the `x-oauth-scopes` header (https://api.slack.com/methods/auth.test).
 */
const authTest = (options: SlackCatcherOptions, req: IncomingMessage): Answer => {
  const auth = req.headers.authorization;
  if (!auth) return slackError('not_authed');
  if (options.botToken && auth !== `Bearer ${options.botToken}`) return slackError('invalid_auth');
  return {
    status: 200,
    body: {
      ok: true,
      url: 'https://local.slack.com/',
      team: 'Local',
      user: 'branch-envs',
      team_id: 'T0LOCAL01',
      user_id: 'U0BOTLOCAL',
      bot_id: 'B0BOTLOCAL',
      is_enterprise_install: false,
    },
    headers: { 'x-oauth-scopes': CATCHER_BOT_SCOPES.join(',') },
  };
};

const hook = (inbox: Inbox, path: string, payload: Record<string, unknown>): Answer => {
  if (path.startsWith('/webhook/')) {
    inbox.record('webhook', path, payload);
    return { status: 200, body: 'ok', text: true };
  }
  if (inbox.use(path) > RESPONSE_URL_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
  inbox.record('response_url', path, payload);
  return { status: 200, body: { ok: true } };
};

type ViewsApi = ReturnType<typeof createViewsApi>;
/** `views.open` as the Deploy form needs it, and `GET /_views` (ADR 0026). */
type Modals = ReturnType<typeof createViewsCatcher>;
/** Slack's external file upload (./slackFiles.ts, ADR 0030). */
type Files = ReturnType<typeof createFilesCatcher>;

const route = (
  inbox: Inbox,
  options: SlackCatcherOptions,
  views: ViewsApi,
  modals: Modals & { files: Files },
  req: IncomingMessage,
  body: Buffer,
): Answer => {
  const url = new URL(req.url ?? '/', 'http://catcher');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/_messages') {
    return {
      status: 200,
      body: { messages: inbox.list(Number(url.searchParams.get('since') ?? 0)), last: inbox.last() },
    };
  }
  if (req.method === 'POST' && path === '/_reset') {
    inbox.clear();
    modals.clear();
    modals.files.clear();
    return { status: 200, body: { ok: true } };
  }
  const viewed = modals.route(req, url);
  if (viewed) return viewed;
  if (req.method !== 'POST') return { status: 404, body: { ok: false, error: 'unknown_method' } };
  const filed = modals.files.route(req, path, body, () => parsePayload(req, body));
  if (filed) return filed;
  return post(inbox, options, views, req, path, body);
};

const VIEWS_METHODS: Readonly<Record<string, ViewsMethod>> = {
  '/api/views.publish': 'views.publish',
  '/api/views.open': 'views.open',
};

/** The Web API methods and hooks the catcher answers. */
const post = (
  inbox: Inbox,
  options: SlackCatcherOptions,
  views: ViewsApi,
  req: IncomingMessage,
  path: string,
  body: Buffer,
): Answer => {
  if (path === '/api/auth.test') return authTest(options, req);
  if (path === '/api/chat.postMessage' || path === '/api/chat.update')
    return chatApi(inbox, options, req, parsePayload(req, body));
  const viewsMethod = VIEWS_METHODS[path];
  if (viewsMethod) {
    return views(viewsMethod, req, parsePayload(req, body));
  }
  if (/^\/(commands|actions|app|webhook)\//.test(path)) return hook(inbox, path, parsePayload(req, body));
  return { status: 404, body: { ok: false, error: 'unknown_method' } };
};

/**
 * Stands in for Slack: catches response_url posts (after the services swap the hooks.slack.com origin
 * for this one), chat.postMessage / chat.update, views.publish / views.open (./slackViews.ts) and
 * incoming webhooks. It prints each message readably
 * and keeps them for the CLI and tests (`GET /_messages?since=<seq>`, `POST /_reset`).
 */
export const startSlackCatcher = async (options: SlackCatcherOptions = {}): Promise<SlackCatcher> => {
  const inbox = createInbox(options.print);
  const modals = createViewsCatcher();
  const views = createViewsApi(options.botToken, ({ method, userId, triggerId, view }) => {
    // An opened modal is also kept for `GET /_views`, which the CLI's Deploy form reads (ADR 0026).
    if (triggerId) modals.keep(triggerId, view);
    // A Home view lists many deployments: it is about its user, not one deployId.
    inbox.record(method, `/api/${method}`, view, {
      deployId: undefined,
      ...(userId ? { user: userId } : {}),
    });
  });
  let origin = '';
  const files = createFilesCatcher({
    ...(options.botToken ? { botToken: options.botToken } : {}),
    origin: () => origin,
    // A shared file shows as a message: its comment, then the file's text (what Slack previews).
    completed: ({ channel, threadTs, comment, files: shared }) =>
      inbox.record(
        'files.completeUploadExternal',
        '/api/files.completeUploadExternal',
        {
          text: [comment ?? '', ...shared.map((f) => `📎 ${f.title ?? f.filename}\n${f.content ?? ''}`)].join(
            '\n',
          ),
          files: shared,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        },
        { ...(channel ? { channel } : {}) },
      ),
  });
  const server = await listen(
    (req, res) => {
      readBody(req).then(
        (body) => send(res, route(inbox, options, views, { ...modals, files }, req, body)),
        () => send(res, { status: 400, body: { ok: false, error: 'invalid_request' } }),
      );
    },
    options.port,
    { name: 'slack', tap: options.tap },
  );
  origin = new URL(server.url).origin;
  const reset = (): void => {
    inbox.clear();
    modals.clear();
    files.clear();
  };
  return { url: server.url, port: server.port, stop: server.stop, messages: inbox.list, reset };
};
