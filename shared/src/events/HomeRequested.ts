import * as z from 'zod';
import { defineEvent } from '../envelope';
import { SlackChannelId, SlackTeamId, SlackUserId } from './common';

export const DETAIL_TYPE = 'HomeRequested';
export const SCHEMA_VERSION = 1;

/**
 * A user opened the app's Home tab (Slack's `app_home_opened`, tab `home`): ingress answers Slack at
 * once and its `home` function builds and publishes the view (ADR 0023). The eventId is derived from
 * Slack's `event_id`, so a Slack retry publishes the same id and the consumer drops the copy.
 */
export const HomeRequested = defineEvent({
  detailType: DETAIL_TYPE,
  schemaVersion: SCHEMA_VERSION,
  description: "A user opened the app's Home tab; the view is rebuilt and published for them.",
  producers: ['slack-ingress'],
  consumers: ['slack-ingress'],
  data: z
    .object({
      userId: SlackUserId,
      teamId: SlackTeamId,
      /** The app's DM with the user: where replies to presses on the Home tab go. */
      channelId: SlackChannelId.optional(),
      /** Slack's `event_id` (`Ev…`), for the logs. */
      slackEventId: z.string().regex(/^Ev[A-Z0-9]{4,30}$/),
    })
    .strict(),
});
export type HomeRequested = z.infer<typeof HomeRequested.detail>;
