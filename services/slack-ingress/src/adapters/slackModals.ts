import * as z from 'zod';
import { SlackApiError } from '../errors';

const ViewsOpenResponse = z.object({ ok: z.boolean(), error: z.string().optional() });

export interface SlackModalsOptions {
  apiBase: string;
  /** The bot token, read once per cold start from SSM. */
  token: () => Promise<string>;
  fetch?: typeof fetch;
  /** A trigger_id expires 3 s after the interaction; waiting longer is pointless. */
  timeoutMs?: number;
}

/** `views.open` (Slack Web API, JSON body): opens a modal for a trigger_id. Slack answers 200 `{ok:false}` on errors. */
export const createSlackModals = ({
  apiBase,
  token,
  fetch: send = fetch,
  timeoutMs = 2500,
}: SlackModalsOptions) => ({
  async open(triggerId: string, view: unknown): Promise<void> {
    const response = await send(`${apiBase}/views.open`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token()}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ trigger_id: triggerId, view }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed = ViewsOpenResponse.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success || !parsed.data.ok) {
      const reason = parsed.success ? (parsed.data.error ?? 'not ok') : `HTTP ${response.status}`;
      throw new SlackApiError('views.open', reason);
    }
  },
});
