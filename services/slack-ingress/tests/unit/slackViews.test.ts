/**
 * views.publish as Slack documents it: JSON body with user_id and view, bearer token, `{ok:true,
 * view:{…}}` or `{ok:false, error}`; a rate limit is HTTP 429 with Retry-After in seconds.
 */

import { createSlackViews, SlackRateLimitedError } from '../../src/adapters/slackViews';
import type { HomeView } from '../../src/domain/home/homeBlocks';

const view: HomeView = { type: 'home', callback_id: 'branch_envs_home', private_metadata: '', blocks: [] };

const scripted = (...responses: (() => Response)[]) => {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const send = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return next();
  }) as typeof fetch;
  return { calls, send };
};

const ok = () => Response.json({ ok: true, view: { id: 'V0HOME001', type: 'home' } });
const limited = (retryAfter: string) => () =>
  new Response('', { status: 429, headers: { 'retry-after': retryAfter } });

describe('views.publish', () => {
  it('posts the view as JSON for the user with the bot token', async () => {
    // Prepare
    const { calls, send } = scripted(ok);
    const views = createSlackViews({
      apiBase: 'https://slack.com/api',
      token: async () => 'xoxb-test',
      fetch: send,
    });

    // Act
    await views.publish('U0LOCAL1', view);

    // Assess
    expect(calls[0]?.url).toBe('https://slack.com/api/views.publish');
    expect(new Headers(calls[0]?.init?.headers).get('authorization')).toBe('Bearer xoxb-test');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ user_id: 'U0LOCAL1', view });
  });

  it('waits for Retry-After on a 429 and tries again', async () => {
    // Prepare
    const waits: number[] = [];
    const { calls, send } = scripted(limited('2'), ok);
    const views = createSlackViews({
      apiBase: 'https://slack.com/api',
      token: async () => 'xoxb-test',
      fetch: send,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Act
    await views.publish('U0LOCAL1', view);

    // Assess
    expect(waits).toEqual([2000]);
    expect(calls).toHaveLength(2);
  });

  it('throws rather than wait longer than the invocation can, so SQS redelivers later', async () => {
    // Prepare
    const { calls, send } = scripted(limited('60'));
    const views = createSlackViews({
      apiBase: 'https://slack.com/api',
      token: async () => 't',
      fetch: send,
      sleep: async () => undefined,
    });

    // Act
    const outcome = views.publish('U0LOCAL1', view);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(SlackRateLimitedError);
    expect(calls).toHaveLength(1);
  });

  it('gives up after its attempts when Slack keeps limiting', async () => {
    // Prepare
    const { calls, send } = scripted(limited('1'), limited('1'), limited('1'));
    const views = createSlackViews({
      apiBase: 'https://slack.com/api',
      token: async () => 't',
      fetch: send,
      sleep: async () => undefined,
      maxAttempts: 3,
    });

    // Act / Assess
    await expect(views.publish('U0LOCAL1', view)).rejects.toThrow('ratelimited');
    expect(calls).toHaveLength(3);
  });

  it.each([
    [{ ok: false, error: 'invalid_blocks' }, 'invalid_blocks'],
    [{ ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'commands' }, 'missing_scope'],
    [{ ok: false, error: 'not_authed' }, 'not_authed'],
  ])("throws Slack's error %j", async (body, error) => {
    // Prepare
    const { send } = scripted(() => Response.json(body));
    const views = createSlackViews({ apiBase: 'https://slack.com/api', token: async () => 't', fetch: send });

    // Act / Assess
    await expect(views.publish('U0LOCAL1', view)).rejects.toThrow(error);
  });

  it('throws on an answer that is not Slack JSON', async () => {
    const { send } = scripted(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const views = createSlackViews({ apiBase: 'https://slack.com/api', token: async () => 't', fetch: send });
    await expect(views.publish('U0LOCAL1', view)).rejects.toThrow('unreadable response (HTTP 502)');
  });
});
