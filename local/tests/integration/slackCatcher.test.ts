import { type SlackCatcher, startSlackCatcher } from '../../src/standins/slackCatcher';

let catcher: SlackCatcher;
const printed: string[] = [];

beforeAll(async () => {
  catcher = await startSlackCatcher({ botToken: 'xoxb-test', print: (text) => printed.push(text) });
});

beforeEach(() => {
  catcher.reset();
  printed.length = 0;
});

afterAll(async () => {
  await catcher?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${catcher.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('Slack catcher', () => {
  it('records a response_url post with its deploy id and prints it readably', async () => {
    // Act
    const response = await post('/commands/T0001/123/abc', {
      response_type: 'ephemeral',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Deploying `demo-ready` (01ARZ3NDEKTSV4RRFFQ69G5FAV)' },
        },
      ],
    });

    // Assess
    expect(response.status).toBe(200);
    expect(catcher.messages()).toEqual([
      expect.objectContaining({
        kind: 'response_url',
        path: '/commands/T0001/123/abc',
        deployId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      }),
    ]);
    expect(printed[0]).toContain('Deploying `demo-ready`');
  });

  it('answers chat.postMessage like Slack and lets chat.update change that message', async () => {
    // Act
    const posted = (await (
      await post(
        '/api/chat.postMessage',
        { channel: 'C1', text: 'hi' },
        { authorization: 'Bearer xoxb-test' },
      )
    ).json()) as { ok: boolean; ts: string };
    const updated = (await (
      await post(
        '/api/chat.update',
        { channel: 'C1', ts: posted.ts, text: 'bye' },
        { authorization: 'Bearer xoxb-test' },
      )
    ).json()) as { ok: boolean; ts: string };

    // Assess
    expect(posted).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts });
    expect(catcher.messages().map((m) => [m.kind, m.lines.join(' ')])).toEqual([
      ['chat.postMessage', 'hi'],
      ['chat.update', 'bye'],
    ]);
  });

  it('refuses chat API calls without the bot token', async () => {
    // Act
    const body = (await (await post('/api/chat.postMessage', { channel: 'C1', text: 'hi' })).json()) as {
      ok: boolean;
      error: string;
    };

    // Assess
    expect(body).toEqual({ ok: false, error: 'not_authed' });
    expect(catcher.messages()).toEqual([]);
  });

  it('serves recorded messages after a sequence number, and refuses a sixth use of a response_url', async () => {
    // Prepare
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post('/commands/T1/1/x', { text: `m${i}` })).status);
    await post('/webhook/local', { text: 'webhook' });

    // Act
    const since = (await (await fetch(`${catcher.url}/_messages?since=4`)).json()) as {
      messages: { lines: string[] }[];
    };

    // Assess
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(since.messages.map((m) => m.lines[0])).toEqual(['m4', 'webhook']);
  });
});
