import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isRecord } from '../templates/cfnTypes';
import type { Answer } from './httpServer';

/**
 * `views.publish` and `views.open` as Slack answers them: HTTP 200 either way; `{ok: true, view}` with
 * the view as stored (an id `V…`, the team, a hash, the fields Slack adds), or `{ok: false, error}`
 * with Slack's documented errors (`not_authed`, `invalid_auth`, `invalid_arguments` with
 * `response_metadata.messages`, `view_too_large` over 250 KB, `invalid_trigger_id`, and
 * `expired_trigger_id` for a trigger that has already opened a view).
 */

export type ViewsMethod = 'views.publish' | 'views.open';

/** What the catcher records of a views call: the view as answered, and who it is for. */
export interface CaughtView {
  method: ViewsMethod;
  /** `views.publish`: the user whose Home tab it is. */
  userId?: string;
  /** `views.open`: the trigger that opened it. */
  triggerId?: string;
  view: Record<string, unknown>;
}

const MAX_VIEW_BYTES = 250 * 1024;
const HOME_BLOCKS = 100;
const MODAL_BLOCKS = 100;

const error = (code: string, messages?: string[]): Answer => ({
  status: 200,
  body: { ok: false, error: code, ...(messages ? { response_metadata: { messages } } : {}) },
});

const viewId = (): string => `V${randomBytes(6).toString('hex').toUpperCase().slice(0, 10)}`;

/** Slack's `view` argument is a JSON string in a form and an object in a JSON body. */
const viewArgument = (payload: Record<string, unknown>): Record<string, unknown> | undefined => {
  const raw = payload.view;
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

const invalidView = (view: Record<string, unknown>, type: 'home' | 'modal'): string | undefined => {
  if (view.type !== type) return `invalid \`view.type\`: must be ${type}`;
  if (!Array.isArray(view.blocks)) return 'missing required field: blocks';
  const max = type === 'home' ? HOME_BLOCKS : MODAL_BLOCKS;
  if (view.blocks.length > max) return `must provide no more than ${max} items [json-pointer:/view/blocks]`;
  if (type === 'modal' && !isRecord(view.title)) return 'missing required field: title';
  return undefined;
};

/** The view as Slack stores and echoes it. */
const stored = (view: Record<string, unknown>, id = viewId()): Record<string, unknown> => ({
  id,
  team_id: 'T0LOCAL01',
  private_metadata: '',
  callback_id: '',
  external_id: '',
  state: { values: {} },
  hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
  clear_on_close: false,
  notify_on_close: false,
  close: null,
  submit: null,
  previous_view_id: null,
  root_view_id: id,
  app_id: 'A0LOCAL01',
  bot_id: 'B0BOTLOCAL',
  ...view,
});

const authError = (req: IncomingMessage, botToken: string | undefined): Answer | undefined => {
  const auth = req.headers.authorization;
  if (!auth) return error('not_authed');
  if (botToken && auth !== `Bearer ${botToken}`) return error('invalid_auth');
  return undefined;
};

/**
 * Answers one views call; `record` keeps what was accepted. Each user's Home tab keeps its id across
 * publishes, as in Slack.
 */
export const createViewsApi = (botToken: string | undefined, record: (caught: CaughtView) => void) => {
  const homeIds = new Map<string, string>();
  const usedTriggers = new Set<string>();
  const publish = (payload: Record<string, unknown>, view: Record<string, unknown>): Answer => {
    const userId = payload.user_id;
    if (typeof userId !== 'string' || !/^[UW][A-Z0-9]{2,20}$/.test(userId))
      return error('invalid_arguments', ['invalid `user_id`']);
    const problem = invalidView(view, 'home');
    if (problem) return error('invalid_arguments', [problem]);
    const id = homeIds.get(userId) ?? viewId();
    homeIds.set(userId, id);
    const answer = stored(view, id);
    record({ method: 'views.publish', userId, view: answer });
    return { status: 200, body: { ok: true, view: answer } };
  };
  const open = (payload: Record<string, unknown>, view: Record<string, unknown>): Answer => {
    if (typeof payload.trigger_id !== 'string' || payload.trigger_id === '')
      return error('invalid_arguments', ['missing required field: trigger_id']);
    const triggerId = payload.trigger_id;
    if (!/^\d+\.\d+\.[0-9a-f]+$/.test(triggerId)) return error('invalid_trigger_id');
    if (usedTriggers.has(triggerId)) return error('expired_trigger_id');
    const problem = invalidView(view, 'modal');
    if (problem) return error('invalid_arguments', [problem]);
    usedTriggers.add(triggerId);
    const answer = stored(view);
    record({ method: 'views.open', triggerId, view: answer });
    return { status: 200, body: { ok: true, view: answer } };
  };
  return (method: ViewsMethod, req: IncomingMessage, payload: Record<string, unknown>): Answer => {
    const refused = authError(req, botToken);
    if (refused) return refused;
    const view = viewArgument(payload);
    if (!view) return error('invalid_arguments', ['missing required field: view']);
    if (Buffer.byteLength(JSON.stringify(view)) > MAX_VIEW_BYTES) return error('view_too_large');
    return method === 'views.publish' ? publish(payload, view) : open(payload, view);
  };
};
