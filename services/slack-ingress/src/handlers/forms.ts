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
 * The fields ingress uses from Slack's forms, parsed rather than trusted. A signed request that fails
 * here was not sent by Slack as documented, so it is a 400, not a user-facing reply.
 */

const SlashCommandForm = z.object({
  command: z.string().regex(/^\/[A-Za-z0-9_-]{1,32}$/),
  text: z.string().default(''),
  user_id: SlackUserId,
  user_name: z.string().optional(),
  team_id: SlackTeamId,
  channel_id: SlackChannelId,
  response_url: SlackResponseUrl,
});
export type SlashCommandForm = z.infer<typeof SlashCommandForm>;

const BlockActionsPayload = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: SlackUserId,
    username: z.string().optional(),
    name: z.string().optional(),
    team_id: SlackTeamId.optional(),
  }),
  team: z.object({ id: SlackTeamId }).nullish(),
  channel: z.object({ id: SlackChannelId }).nullish(),
  container: z.object({ channel_id: SlackChannelId.optional() }).nullish(),
  // A press on the Home tab has no response_url; the view we published says where replies go.
  response_url: SlackResponseUrl.optional(),
  view: z.object({ type: z.string(), private_metadata: z.string().max(3000).optional() }).nullish(),
  actions: z
    .array(z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).default('') }))
    .min(1),
});

export interface ButtonPress {
  actor: Actor;
  channelId: string;
  /** Absent for a press on the Home tab (ADR 0023): the reply is the refreshed view. */
  responseUrl?: string;
  actionId: string;
  value: string;
}

const fieldsOf = (form: URLSearchParams, names: readonly string[]): Record<string, string | undefined> =>
  Object.fromEntries(names.map((name) => [name, form.get(name) ?? undefined]));

/** Slack's display name is free text; keep it printable and within the contract's 80 characters. */
const displayName = (name: string | undefined, fallback: string): string => {
  const clean = (name ?? '').replace(/\p{C}/gu, '').trim().slice(0, 80);
  return clean === '' ? fallback : clean;
};

export const parseSlashCommandForm = (form: URLSearchParams): SlashCommandForm & { actor: Actor } => {
  const parsed = SlashCommandForm.safeParse(fieldsOf(form, Object.keys(SlashCommandForm.shape)));
  if (!parsed.success) throw new SlackTransportError(400, 'malformed slash command form');
  const { user_id, team_id, user_name } = parsed.data;
  return {
    ...parsed.data,
    actor: { userId: user_id, teamId: team_id, userName: displayName(user_name, user_id) },
  };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The Home view carries the app's DM with the user in `private_metadata` (see domain/home/homeView). */
const homeChannelOf = (
  responseUrl: string | undefined,
  view: { type: string; private_metadata?: string | undefined } | null | undefined,
): string | undefined => {
  if (responseUrl !== undefined || view?.type !== 'home') return undefined;
  const parsed = SlackChannelId.safeParse(view.private_metadata);
  return parsed.success ? parsed.data : undefined;
};

export const parseButtonPress = (form: URLSearchParams): ButtonPress => {
  const parsed = BlockActionsPayload.safeParse(parseJson(form.get('payload') ?? ''));
  if (!parsed.success) throw new SlackTransportError(400, 'malformed or unsupported interaction payload');
  const { user, team, channel, container, response_url, actions, view } = parsed.data;
  const teamId = user.team_id ?? team?.id;
  const channelId = channel?.id ?? container?.channel_id ?? homeChannelOf(response_url, view);
  const [action] = actions;
  if (!teamId || !channelId || !action)
    throw new SlackTransportError(400, 'interaction without team, channel or response_url');
  return {
    actor: { userId: user.id, teamId, userName: displayName(user.username ?? user.name, user.id) },
    channelId,
    ...(response_url ? { responseUrl: response_url } : {}),
    actionId: action.action_id,
    value: action.value,
  };
};
