import {
  SlackChannelId,
  SlackResponseUrl,
  SlackTeamId,
  SlackUserId,
} from '@branch-envs/shared/events/common';
import * as z from 'zod';
import type { Actor } from '../domain/ports';
import { SlackTransportError } from '../errors';

/**
 * The Deploy form's payloads (ADR 0026), as Slack documents them: a global `shortcut`, a
 * `block_actions` press of [Deploy a branch] (from the Home tab or a message), the `block_suggestion`
 * of the branch picker's type-ahead, and the form's `view_submission`. Parsed, never trusted.
 */

const User = z.object({
  id: SlackUserId,
  username: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  team_id: SlackTeamId.optional(),
});
const Team = z.object({ id: SlackTeamId }).nullish();
const TriggerId = z.string().min(1).max(200);

const Shortcut = z.object({
  type: z.literal('shortcut'),
  callback_id: z.string().max(255),
  trigger_id: TriggerId,
  user: User,
  team: Team,
});

const OpenButton = z.object({
  type: z.literal('block_actions'),
  trigger_id: TriggerId,
  user: User,
  team: Team,
  channel: z.object({ id: SlackChannelId }).nullish(),
  actions: z.array(z.object({ action_id: z.string().max(255) })).min(1),
});

const Suggestion = z.object({
  type: z.literal('block_suggestion'),
  user: User,
  team: Team,
  action_id: z.string().max(255),
  value: z.string().max(500).default(''),
});

const StateValue = z.object({
  type: z.string().max(64),
  value: z.string().max(3000).nullish(),
  selected_option: z.object({ value: z.string().max(300) }).nullish(),
  selected_options: z
    .array(z.object({ value: z.string().max(300) }))
    .max(10)
    .nullish(),
  selected_conversation: SlackChannelId.nullish(),
});

const Submission = z.object({
  type: z.literal('view_submission'),
  user: User,
  team: Team,
  view: z.object({
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000).default(''),
    state: z.object({ values: z.record(z.string().max(255), z.record(z.string().max(255), StateValue)) }),
  }),
  response_urls: z
    .array(z.object({ channel_id: SlackChannelId, response_url: SlackResponseUrl }))
    .max(5)
    .default([]),
});

export type FormPayload =
  | { kind: 'open'; actor: Actor; triggerId: string; source: string; channelId?: string }
  | { kind: 'suggest'; actor: Actor; actionId: string; value: string }
  | { kind: 'submit'; actor: Actor; callbackId: string; values: SubmittedValues; responseUrls: ResponseUrls }
  | { kind: 'other' };

export type SubmittedValues = Record<string, Record<string, z.infer<typeof StateValue>>>;
export type ResponseUrls = { channelId: string; responseUrl: string }[];

const actorOf = (user: z.infer<typeof User>, team: z.infer<typeof Team>): Actor => {
  const teamId = user.team_id ?? team?.id;
  if (!teamId) throw new SlackTransportError(400, 'interaction without a team');
  const name = (user.username ?? user.name ?? '').replace(/\p{C}/gu, '').trim().slice(0, 80);
  return { userId: user.id, teamId, userName: name || user.id };
};

const strict = <T>(schema: z.ZodType<T>, payload: unknown): T => {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new SlackTransportError(400, 'malformed interaction payload');
  return parsed.data;
};

/**
 * Which form payload `payload` is. Block actions other than the open button are `other`, left to the
 * button parser; so are types this module does not know (that parser refuses them with a 400).
 */
export const parseFormPayload = (payload: unknown, openActionId: string): FormPayload => {
  const type = (payload as { type?: unknown } | null)?.type;
  if (type === 'shortcut') {
    const p = strict(Shortcut, payload);
    return { kind: 'open', actor: actorOf(p.user, p.team), triggerId: p.trigger_id, source: p.callback_id };
  }
  if (type === 'block_actions') {
    const p = OpenButton.safeParse(payload);
    if (!p.success || p.data.actions[0]?.action_id !== openActionId) return { kind: 'other' };
    const channelId = p.data.channel?.id;
    return {
      kind: 'open',
      actor: actorOf(p.data.user, p.data.team),
      triggerId: p.data.trigger_id,
      source: openActionId,
      ...(channelId ? { channelId } : {}),
    };
  }
  if (type === 'block_suggestion') {
    const p = strict(Suggestion, payload);
    return { kind: 'suggest', actor: actorOf(p.user, p.team), actionId: p.action_id, value: p.value };
  }
  if (type === 'view_submission') {
    const p = strict(Submission, payload);
    const responseUrls = p.response_urls.map((r) => ({
      channelId: r.channel_id,
      responseUrl: r.response_url,
    }));
    const actor = actorOf(p.user, p.team);
    return {
      kind: 'submit',
      actor,
      callbackId: p.view.callback_id,
      values: p.view.state.values,
      responseUrls,
    };
  }
  return { kind: 'other' };
};
