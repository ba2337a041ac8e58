import type { IncomingMessage } from 'node:http';
import type { Answer } from './httpServer';

/**
 * The modals `views.open` accepted (./slackViews.ts answers the call and checks it, as Slack does),
 * kept apart from the message inbox for the CLI's Deploy form (ADR 0026): a modal is not a message.
 * `GET /_views?since=` lists them.
 */
export interface OpenedView {
  seq: number;
  triggerId: string;
  view: Record<string, unknown>;
}

export const createViewsCatcher = () => {
  const opened: OpenedView[] = [];
  return {
    list: (since = 0): OpenedView[] => opened.filter((v) => v.seq > since),
    clear: (): void => {
      opened.length = 0;
    },
    /** Keeps a view Slack opened, as it answered it (with its id). */
    keep(triggerId: string, view: Record<string, unknown>): void {
      opened.push({ seq: (opened.at(-1)?.seq ?? 0) + 1, triggerId, view });
    },
    /** The catcher's route for opened modals, `GET /_views?since=`; undefined for others. */
    route(req: IncomingMessage, url: URL): Answer | undefined {
      if (req.method === 'GET' && url.pathname === '/_views')
        return { status: 200, body: { views: this.list(Number(url.searchParams.get('since') ?? 0)) } };
      return undefined;
    },
  };
};
