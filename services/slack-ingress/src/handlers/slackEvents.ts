import type { Logger } from '@aws-lambda-powertools/logger';
import { HomeRequested } from '@branch-envs/shared/events';
import { SlackChannelId, SlackTeamId, SlackUserId } from '@branch-envs/shared/events/common';
import { externalCauseId } from '@branch-envs/shared/ids';
import type { Publisher } from '@branch-envs/shared/publish';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { SlackTransportError } from '../errors';
import { acknowledged, type SlackHttpRequest } from './slackHttp';

/**
 * Slack's Events API (`POST /slack/events`, ADR 0023): JSON bodies, already signature-checked by the
 * caller. `url_verification` echoes the challenge; `app_home_opened` on the Home tab publishes one
 * `HomeRequested` and answers 200 at once, so Slack's 3 s are never at risk. Anything that is not one
 * of the documented envelopes is a bare 400 with no effect.
 */

const UrlVerification = z.object({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(512),
});

const AppRateLimited = z.object({ type: z.literal('app_rate_limited'), minute_rate_limited: z.number() });

const AppHomeOpened = z.object({
  type: z.literal('app_home_opened'),
  user: SlackUserId,
  channel: SlackChannelId.optional(),
  tab: z.string().max(32).optional(),
});

const EventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: SlackTeamId,
  event_id: z.string().regex(/^Ev[A-Z0-9]{4,30}$/),
  event_time: z.number().int().nonnegative(),
  event: z.object({ type: z.string().min(1).max(64) }).passthrough(),
});

const Envelope = z.discriminatedUnion('type', [UrlVerification, AppRateLimited, EventCallback]);
type EventCallback = z.infer<typeof EventCallback>;

/** The event types the manifest subscribes to; Slack sends no others, so any other is refused. */
const SUBSCRIBED = new Set(['app_home_opened']);

export interface SlackEventDependencies {
  publisher: Publisher<'slack-ingress'>;
  logger: Logger;
}

const assertJsonBody = (headers: Readonly<Record<string, string>>): void => {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new SlackTransportError(415, 'not a JSON body');
};

const parseEnvelope = (rawBody: Buffer) => {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new SlackTransportError(400, 'body is not JSON');
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) throw new SlackTransportError(400, 'not a Slack Events API envelope');
  return parsed.data;
};

const challengeAnswer = (challenge: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ challenge }),
});

/** One `HomeRequested` per Slack event: a retry of the same `event_id` publishes the same eventId. */
const publishHome = async (envelope: EventCallback, deps: SlackEventDependencies): Promise<void> => {
  const opened = AppHomeOpened.safeParse(envelope.event);
  if (!opened.success) throw new SlackTransportError(400, 'malformed app_home_opened event');
  const { user, channel, tab } = opened.data;
  if (tab !== 'home') {
    deps.logger.info('app_home_opened on another tab ignored', { tab, eventId: envelope.event_id });
    return;
  }
  const cause = externalCauseId(envelope.event_time * 1000, envelope.team_id, envelope.event_id);
  await deps.publisher.publish([
    {
      contract: HomeRequested,
      data: {
        userId: user,
        teamId: envelope.team_id,
        ...(channel ? { channelId: channel } : {}),
        slackEventId: envelope.event_id,
      },
      cause: { eventId: cause, correlationId: cause },
    },
  ]);
  deps.logger.info('home requested', { userId: user, eventId: envelope.event_id });
};

/**
 * A retried delivery (`X-Slack-Retry-Num`) is handled like the first: its eventId is the same, so the
 * `home` consumer drops the copy, and a first delivery that died before publishing is not lost.
 */
export const handleSlackEvent = async (
  request: SlackHttpRequest,
  deps: SlackEventDependencies,
): Promise<APIGatewayProxyStructuredResultV2> => {
  assertJsonBody(request.headers);
  const envelope = parseEnvelope(request.rawBody);
  if (envelope.type === 'url_verification') return challengeAnswer(envelope.challenge);
  if (envelope.type === 'app_rate_limited') {
    deps.logger.warn('slack is rate-limiting event deliveries', { minute: envelope.minute_rate_limited });
    return acknowledged();
  }
  if (!SUBSCRIBED.has(envelope.event.type)) throw new SlackTransportError(400, 'unsubscribed event type');
  const retry = request.headers['x-slack-retry-num'];
  if (retry !== undefined) {
    deps.logger.info('slack event retry', {
      retryNum: retry,
      reason: request.headers['x-slack-retry-reason'],
    });
  }
  await publishHome(envelope, deps);
  return acknowledged();
};
