import type { ReplyTo } from '@branch-envs/shared/events';

/**
 * Where a message goes (docs/architecture.md §2, §7). Pure: the caller supplies what is configured and what the
 * store knows, and gets the routes to try in order. Only the response_url route needs a claim (its
 * use count) before it is taken; the others are tried as given.
 */

export type Visibility = 'ephemeral' | 'in_channel';

/** Slack's limits on a response_url: 30 minutes from the request and five posts. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;
/** A post that starts this close to the deadline may arrive after it; use the bot instead. */
const RESPONSE_URL_MARGIN_MS = 15_000;

/** A bot message the notifier posted and may edit with chat.update. */
export interface Thread {
  channel: string;
  ts: string;
}

export type Route =
  | { kind: 'response_url'; url: string; expiresAt: Date }
  | { kind: 'chat.update'; thread: Thread }
  | { kind: 'chat.postMessage'; channel: string }
  | { kind: 'webhook' };

export interface RouteInput {
  replyTo: ReplyTo | undefined;
  /** The deployment's bot message, if it has one: its updates must edit it, never start another. */
  thread: Thread | undefined;
  /** `update` for the deployment's own message; `new` for warnings and replies, which must notify. */
  purpose: 'update' | 'new';
  now: Date;
  visibility: Visibility;
  bot: boolean;
  webhook: boolean;
}

/** When the response_url stops being usable, or undefined when there is none. */
export const responseUrlDeadline = (replyTo: ReplyTo | undefined): Date | undefined => {
  if (!replyTo?.responseUrl) return undefined;
  return new Date(Date.parse(replyTo.issuedAt) + RESPONSE_URL_LIFETIME_MS);
};

export const responseUrlFresh = (replyTo: ReplyTo | undefined, now: Date): boolean => {
  const deadline = responseUrlDeadline(replyTo);
  return deadline !== undefined && now.getTime() < deadline.getTime() - RESPONSE_URL_MARGIN_MS;
};

/**
 * Ephemeral replies cannot be edited by the bot, so the bot writes to the user directly (a DM, which
 * stays private and is still there hours later); channel-visible replies go to the channel.
 */
export const botChannel = (replyTo: ReplyTo, visibility: Visibility): string =>
  visibility === 'in_channel' ? replyTo.channelId : replyTo.userId;

/**
 * The routes to try, best first: the bot message this deployment already has (so one message is
 * edited in place once it moved to the bot), else the response_url while it is fresh, else a new bot
 * message, else the incoming webhook. An empty list means nobody can be told.
 */
export const candidateRoutes = (input: RouteInput): Route[] => {
  const { replyTo, thread, purpose, now, visibility, bot, webhook } = input;
  if (purpose === 'update' && thread && bot) return [{ kind: 'chat.update', thread }];
  const routes: Route[] = [];
  const deadline = responseUrlDeadline(replyTo);
  if (replyTo?.responseUrl && deadline && responseUrlFresh(replyTo, now)) {
    routes.push({ kind: 'response_url', url: replyTo.responseUrl, expiresAt: deadline });
  }
  if (bot && replyTo) routes.push({ kind: 'chat.postMessage', channel: botChannel(replyTo, visibility) });
  if (webhook) routes.push({ kind: 'webhook' });
  return routes;
};
