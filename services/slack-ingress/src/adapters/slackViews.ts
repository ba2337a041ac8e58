import * as z from 'zod';
import type { HomeView } from '../domain/home/homeBlocks';
import type { HomeViews } from '../domain/home/ports';
import { SlackApiError, slackScopesOf } from '../errors';

/**
 * `views.publish` with the bot token (ADR 0023). Slack answers a rate limit (Tier 4) with HTTP 429 and
 * `Retry-After` in seconds; the call waits that long and tries again while the invocation has time,
 * otherwise it throws and SQS redelivers the event later (never sooner than Slack asked).
 */

const ViewsResponse = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  needed: z.string().optional(),
  provided: z.string().optional(),
});

export interface SlackViewsOptions {
  apiBase: string;
  token: () => Promise<string>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** The longest single wait for Retry-After; longer ones go back to the queue. */
  maxWaitMs?: number;
  timeoutMs?: number;
}

export class SlackRateLimitedError extends SlackApiError {
  public readonly retryAfterSeconds: number;

  public constructor(method: string, retryAfterSeconds: number) {
    super(method, `ratelimited (retry after ${retryAfterSeconds}s)`);
    this.name = 'SlackRateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Slack sends delta-seconds; anything unreadable counts as one second. */
export const retryAfterSeconds = (header: string | null): number => {
  const value = Number((header ?? '').trim());
  return Number.isInteger(value) && value >= 0 ? value : 1;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const createSlackViews = ({
  apiBase,
  token,
  fetch: send = fetch,
  sleep = defaultSleep,
  maxAttempts = 4,
  maxWaitMs = 15_000,
  timeoutMs = 5_000,
}: SlackViewsOptions): HomeViews => {
  const call = async (userId: string, view: HomeView): Promise<Response> =>
    send(`${apiBase}/views.publish`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token()}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ user_id: userId, view }),
      signal: AbortSignal.timeout(timeoutMs),
    });

  const check = async (response: Response): Promise<void> => {
    const parsed = ViewsResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new SlackApiError('views.publish', `unreadable response (HTTP ${response.status})`);
    if (!parsed.data.ok) {
      const error = parsed.data.error ?? `HTTP ${response.status}`;
      throw new SlackApiError('views.publish', error, { scopes: slackScopesOf(parsed.data) });
    }
  };

  return {
    async publish(userId, view) {
      for (let attempt = 1; ; attempt += 1) {
        const response = await call(userId, view);
        if (response.status !== 429) return check(response);
        const wait = retryAfterSeconds(response.headers.get('retry-after'));
        if (attempt >= maxAttempts || wait * 1000 > maxWaitMs) {
          throw new SlackRateLimitedError('views.publish', wait);
        }
        await sleep(wait * 1000);
      }
    },
  };
};
