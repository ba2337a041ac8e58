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
      const auth = req.headers.authorization;
      if (!auth) return fail('not_authed');
      if (botToken && auth !== `Bearer ${botToken}`) return fail('invalid_auth');
      if (!isRecord(payload) || typeof payload.trigger_id !== 'string') return fail('invalid_arguments');
      if (!isRecord(payload.view) || payload.view.type !== 'modal') return fail('invalid_arguments');
      if (used.has(payload.trigger_id)) return fail('expired_trigger_id');
      used.add(payload.trigger_id);
      const seq = (opened.at(-1)?.seq ?? 0) + 1;
      opened.push({ seq, triggerId: payload.trigger_id, view: payload.view });
      return {
        status: 200,
        body: { ok: true, view: { id: `V${String(seq).padStart(8, '0')}`, ...payload.view } },
      };
    },
  };
};
