import * as z from 'zod';
import type { GroupDirectory } from '../domain/authorization';
import { SlackApiError, slackScopesOf } from '../errors';

const UsersListResponse = z.object({
  ok: z.boolean(),
  users: z.array(z.string()).optional(),
  error: z.string().optional(),
  needed: z.string().optional(),
  provided: z.string().optional(),
});

/** Slack's error (with the scope it needs, for `missing_scope`), or the HTTP status when it gave none. */
const refusal = (status: number, parsed: ReturnType<typeof UsersListResponse.safeParse>): SlackApiError => {
  if (!parsed.success) return new SlackApiError('usergroups.users.list', 'unreadable response');
  return new SlackApiError('usergroups.users.list', parsed.data.error ?? `HTTP ${status}`, {
    scopes: slackScopesOf(parsed.data),
  });
};

export interface SlackGroupDirectoryOptions {
  /** `https://slack.com/api` in AWS; the catcher's `/api` in local mode. */
  apiBase: string;
  /** The bot token (scope `usergroups:read`), read once per cold start from SSM. */
  token: () => Promise<string>;
  fetch?: typeof fetch;
  /** Membership changes show up after this long; short enough for a removed user to lose access soon. */
  cacheMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * User-group membership through Slack's `usergroups.users.list`, cached per group. Only consulted for
 * users who are on neither list. A failed lookup throws (the user sees "something went wrong"), so a
 * Slack outage is not mistaken for "you are not allowed".
 */
export const createSlackGroupDirectory = ({
  apiBase,
  token,
  fetch: send = fetch,
  cacheMs = 5 * 60_000,
  timeoutMs = 1500,
  now = Date.now,
}: SlackGroupDirectoryOptions): GroupDirectory => {
  const cache = new Map<string, { users: ReadonlySet<string>; until: number }>();

  const membersOf = async (groupId: string): Promise<ReadonlySet<string>> => {
    const hit = cache.get(groupId);
    if (hit && hit.until > now()) return hit.users;
    const response = await send(`${apiBase}/usergroups.users.list`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token()}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ usergroup: groupId }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed = UsersListResponse.safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !parsed.success || !parsed.data.ok) throw refusal(response.status, parsed);
    const users = new Set(parsed.data.users ?? []);
    cache.set(groupId, { users, until: now() + cacheMs });
    return users;
  };

  return {
    async isMemberOfAny(userId, groupIds) {
      for (const groupId of groupIds) {
        if ((await membersOf(groupId)).has(userId)) return true;
      }
      return false;
    },
  };
};
