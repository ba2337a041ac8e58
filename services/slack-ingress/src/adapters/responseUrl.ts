import type { Logger } from '@aws-lambda-powertools/logger';
import { SlackResponseUrl } from '@branch-envs/shared/events/common';

/** Posts a message to a Slack `response_url` (button acknowledgements replace the original). */
export interface ResponsePoster {
  post(responseUrl: string, body: Record<string, unknown>): Promise<boolean>;
}

export interface ResponsePosterOptions {
  /** `https://hooks.slack.com` in AWS; the Slack catcher's origin in local mode. */
  hooksOrigin: string;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Only a `https://hooks.slack.com/...` URL is ever posted to (docs/architecture.md §7, the seed's SSRF hole); the
 * origin is swapped for `hooksOrigin` at send time only, after that check. Failures are logged and
 * reported as `false`: the event is already published, and the notifier will speak up later.
 */
export const createResponsePoster = ({
  hooksOrigin,
  logger,
  fetch: send = fetch,
  timeoutMs = 1500,
}: ResponsePosterOptions): ResponsePoster => ({
  async post(responseUrl, body) {
    const checked = SlackResponseUrl.safeParse(responseUrl);
    if (!checked.success) {
      logger.warn('refused to post to a response_url outside hooks.slack.com');
      return false;
    }
    // Copy path and query onto the origin; never resolve the path against it, since a path such as
    // `//evil.example.com/x` would resolve to another host.
    const { pathname, search } = new URL(checked.data);
    const target = new URL(hooksOrigin);
    target.pathname = pathname;
    target.search = search;
    try {
      const response = await send(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) logger.warn('response_url post was refused', { status: response.status });
      return response.ok;
    } catch (error) {
      logger.warn('response_url post failed', { errorName: error instanceof Error ? error.name : 'unknown' });
      return false;
    }
  },
});
