import { type SlackGatewayOptions, SlackWebGateway } from '../../src/adapters/slackGateway';
import type { ResponseUrlBody } from '../../src/domain/ports';
import { SlackApiError, SlackRateLimitedError, SlackUnavailableError } from '../../src/errors';
import { silentLogger } from '../helpers/factories';

interface Sent {
  url: string;
  body: Record<string, unknown>;
  authorization: string | null;
}

/** A scripted `fetch`: answers in order, records what was sent. */
const scriptedFetch = (...answers: Response[]) => {
  const sent: Sent[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    sent.push({
      url: String(input),
      body: JSON.parse(String(init?.body ?? '{}')),
      authorization: headers.get('authorization'),
    });
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer left');
    return answer;
  };
  return { fetch: fake as typeof fetch, sent };
};

const chat = (body: Record<string, unknown>, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const budget = (remainingMs = 25_000) => ({ remainingMs: () => remainingMs });

const gateway = (fake: typeof fetch, overrides: Partial<SlackGatewayOptions> = {}) => {
  const sleeps: number[] = [];
  const slack = new SlackWebGateway({
    hooksOrigin: 'http://127.0.0.1:9999',
    apiBase: 'http://127.0.0.1:9999/api',
    botToken: async () => 'xoxb-test',
    webhookUrl: async () => 'https://hooks.slack.com/services/T1/B1/secret',
    logger: silentLogger(),
    fetch: fake,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  return { slack, sleeps };
};

const body: ResponseUrlBody = { text: 'hi', blocks: [], response_type: 'ephemeral', replace_original: true };
const RESPONSE_URL = 'https://hooks.slack.com/commands/T1/2/abc?x=1';

describe('Slack gateway', () => {
  it('posts a hooks.slack.com response_url to the configured hooks origin, path and query kept', async () => {
    // Prepare
    const { fetch, sent } = scriptedFetch(new Response('ok'));

    // Act
    const result = await gateway(fetch).slack.respond(RESPONSE_URL, body, budget());

    // Assess
    expect(result).toBe('sent');
    expect(sent[0]?.url).toBe('http://127.0.0.1:9999/commands/T1/2/abc?x=1');
    expect(sent[0]?.body).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
  });

  it('refuses a response_url outside hooks.slack.com without sending anything', async () => {
    // Prepare
    const { fetch, sent } = scriptedFetch();

    // Act
    const result = await gateway(fetch).slack.respond('https://evil.example/commands/1', body, budget());

    // Assess
    expect(result).toBe('gone');
    expect(sent).toEqual([]);
  });

  it('reports a used-up response_url as gone so the next route is tried', async () => {
    // Prepare
    const { fetch } = scriptedFetch(new Response('used_url', { status: 404 }));

    // Act + Assess
    await expect(gateway(fetch).slack.respond(RESPONSE_URL, body, budget())).resolves.toBe('gone');
  });

  it('waits for Retry-After on a 429 and then delivers', async () => {
    // Prepare
    const { fetch, sent } = scriptedFetch(
      new Response('', { status: 429, headers: { 'retry-after': '2' } }),
      chat({ ok: true, channel: 'C1', ts: '1.0001' }),
    );
    const { slack, sleeps } = gateway(fetch);

    // Act
    const thread = await slack.postMessage('C1', { text: 'hi', blocks: [] }, budget());

    // Assess
    expect(thread).toEqual({ channel: 'C1', ts: '1.0001' });
    expect(sleeps).toEqual([2000]);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.authorization).toBe('Bearer xoxb-test');
  });

  it('hands the record back when Retry-After is longer than the invocation has left', async () => {
    // Prepare
    const { fetch } = scriptedFetch(new Response('', { status: 429, headers: { 'retry-after': '60' } }));

    // Act
    const act = gateway(fetch).slack.postMessage('C1', { text: 'hi', blocks: [] }, budget(20_000));

    // Assess
    await expect(act).rejects.toBeInstanceOf(SlackRateLimitedError);
  });

  it.each(['invalid_auth', 'channel_not_found'])('throws a SlackApiError for %s', async (error) => {
    // Prepare
    const { fetch } = scriptedFetch(chat({ ok: false, error }));

    // Act
    const act = gateway(fetch).slack.postMessage('C1', { text: 'hi', blocks: [] }, budget());

    // Assess
    await expect(act).rejects.toMatchObject({ name: 'SlackApiError', slackError: error });
  });

  it('names the missing scope when the bot token lacks chat:write (Slack missing_scope answer)', async () => {
    // Prepare: the answer Slack documents for a token without the method's scope
    const { fetch } = scriptedFetch(
      chat({ ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'commands,usergroups:read' }),
    );

    // Act
    const act = gateway(fetch).slack.postMessage('C1', { text: 'hi', blocks: [] }, budget());

    // Assess: not retried (a person must add the scope), and the message says which one
    await expect(act).rejects.toBeInstanceOf(SlackApiError);
    await expect(act).rejects.toMatchObject({
      slackError: 'missing_scope',
      scopes: { needed: 'chat:write', provided: 'commands,usergroups:read' },
      message:
        'Slack chat.postMessage failed: missing_scope (the token needs the scope chat:write; it has ' +
        'commands,usergroups:read: add it under OAuth & Permissions and reinstall the app)',
    });
  });

  it('treats a Slack internal_error as worth a retry', async () => {
    // Prepare
    const { fetch } = scriptedFetch(chat({ ok: false, error: 'internal_error' }));

    // Act + Assess
    await expect(
      gateway(fetch).slack.update({ channel: 'C1', ts: '1.0' }, { text: 'x', blocks: [] }, budget()),
    ).rejects.toBeInstanceOf(SlackUnavailableError);
  });

  it('says not_found when the message to edit was deleted', async () => {
    // Prepare
    const { fetch, sent } = scriptedFetch(chat({ ok: false, error: 'message_not_found' }));

    // Act
    const result = await gateway(fetch).slack.update(
      { channel: 'C1', ts: '1.0' },
      { text: 'x', blocks: [] },
      budget(),
    );

    // Assess
    expect(result).toBe('not_found');
    expect(sent[0]).toMatchObject({
      url: 'http://127.0.0.1:9999/api/chat.update',
      body: { channel: 'C1', ts: '1.0' },
    });
  });

  it('sends the webhook to the hooks origin and refuses one elsewhere', async () => {
    // Prepare
    const ok = scriptedFetch(new Response('ok'));
    const elsewhere = scriptedFetch();

    // Act
    await gateway(ok.fetch).slack.webhook({ text: 'x', blocks: [] }, budget());
    const refused = gateway(elsewhere.fetch, {
      webhookUrl: async () => 'https://example.com/hook',
    }).slack.webhook({ text: 'x', blocks: [] }, budget());

    // Assess
    expect(ok.sent[0]?.url).toBe('http://127.0.0.1:9999/services/T1/B1/secret');
    await expect(refused).rejects.toBeInstanceOf(SlackApiError);
    expect(elsewhere.sent).toEqual([]);
  });

  it('reports which optional routes are configured', async () => {
    // Act
    const caps = await gateway(scriptedFetch().fetch, {
      botToken: async () => undefined,
    }).slack.capabilities();

    // Assess
    expect(caps).toEqual({ bot: false, webhook: true });
  });
});
