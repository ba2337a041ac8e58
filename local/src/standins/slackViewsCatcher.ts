import type { IncomingMessage } from 'node:http';
import { isRecord } from '../templates/cfnTypes';
import type { Answer } from './httpServer';

/**
 * `views.open` for the Slack catcher (the Deploy form, ADR 0026), kept apart from the message inbox:
 * a modal is not a message. Like Slack it wants the bot token, a `trigger_id` and a `view`, answers
 * HTTP 200 with `ok: false` on errors, and lets a trigger_id open one view. `GET /_views` lists them.
 */
export interface OpenedView {
  seq: number;
  triggerId: string;
  view: Record<string, unknown>;
}

/** What Slack answers `ok: false` with, if anything: the token, then the arguments. */
const refusalOf = (
  req: IncomingMessage,
  payload: unknown,
  botToken: string | undefined,
): string | undefined => {
  const auth = req.headers.authorization;
  if (!auth) return 'not_authed';
  if (botToken && auth !== `Bearer ${botToken}`) return 'invalid_auth';
  if (!isRecord(payload) || typeof payload.trigger_id !== 'string') return 'invalid_arguments';
  if (!isRecord(payload.view) || payload.view.type !== 'modal') return 'invalid_arguments';
  return undefined;
};

export const createViewsCatcher = (botToken: string | undefined) => {
  const opened: OpenedView[] = [];
  const used = new Set<string>();
  const fail = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
  return {
    list: (since = 0): OpenedView[] => opened.filter((v) => v.seq > since),
    clear: (): void => {
      opened.length = 0;
      used.clear();
    },
    open(req: IncomingMessage, payload: unknown): Answer {
      const refusal = refusalOf(req, payload, botToken);
      if (refusal) return fail(refusal);
      const { trigger_id: triggerId, view } = payload as {
        trigger_id: string;
        view: Record<string, unknown>;
      };
      if (used.has(triggerId)) return fail('expired_trigger_id');
      used.add(triggerId);
      const seq = (opened.at(-1)?.seq ?? 0) + 1;
      opened.push({ seq, triggerId, view });
      return { status: 200, body: { ok: true, view: { id: `V${String(seq).padStart(8, '0')}`, ...view } } };
    },
    /** The catcher's route for opened modals, `GET /_views?since=`; undefined for others (views.open itself is ./slackViews.ts). */
    route(req: IncomingMessage, url: URL): Answer | undefined {
      if (req.method === 'GET' && url.pathname === '/_views')
        return { status: 200, body: { views: this.list(Number(url.searchParams.get('since') ?? 0)) } };
      return undefined;
    },
  };
};
