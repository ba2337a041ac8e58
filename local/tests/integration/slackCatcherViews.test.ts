/**
 * The catcher's views.publish and views.open against Slack's documented answers: `{ok:true, view}`
 * with the stored view, or `{ok:false, error}` (HTTP 200 either way).
 */
import { type SlackCatcher, startSlackCatcher } from '../../src/standins/slackCatcher';

let catcher: SlackCatcher;

beforeAll(async () => {
  catcher = await startSlackCatcher({ botToken: 'xoxb-test' });
});
beforeEach(() => catcher.reset());
afterAll(async () => {
  await catcher?.stop();
});

const call = async (method: string, body: unknown, token: string | null = 'xoxb-test') => {
  const response = await fetch(`${catcher.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const home = {
  type: 'home',
  private_metadata: 'D0LOCAL01',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
};
const modal = { type: 'modal', title: { type: 'plain_text', text: 'Deploy' }, blocks: [] };

describe('Slack catcher: views', () => {
  it('publishes a Home view, answers it as Slack stores it and records it for its user', async () => {
    // Act
    const first = await call('views.publish', { user_id: 'U0LOCAL1', view: home });
    const second = await call('views.publish', { user_id: 'U0LOCAL1', view: JSON.stringify(home) });

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      ok: true,
      view: { type: 'home', private_metadata: 'D0LOCAL01', team_id: 'T0LOCAL01' },
    });
    const ids = [first, second].map((r) => (r.body.view as { id: string }).id);
    expect(ids[0]).toMatch(/^V[0-9A-F]{10}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(catcher.messages().map((m) => [m.kind, m.user, m.lines])).toEqual([
      ['views.publish', 'U0LOCAL1', ['hello']],
      ['views.publish', 'U0LOCAL1', ['hello']],
    ]);
  });

  it('opens a modal for a trigger_id', async () => {
    // Act
    const opened = await call('views.open', {
      trigger_id: '1234567890123.12345678901.abcdef0123',
      view: modal,
    });

    // Assess
    expect(opened.body).toMatchObject({ ok: true, view: { type: 'modal', title: modal.title } });
    expect(catcher.messages().map((m) => m.kind)).toEqual(['views.open']);
  });

  it('bug: a reused trigger_id opened a second modal — the second views.open is expired_trigger_id', async () => {
    // Arrange
    const trigger_id = '1234567890123.12345678901.abcdef0456';
    const first = await call('views.open', { trigger_id, view: modal });

    // Act
    const second = await call('views.open', { trigger_id, view: modal });

    // Assess: one modal, for the catcher's inbox and for the Deploy form's GET /_views alike
    expect(first.body).toMatchObject({ ok: true });
    expect(second.body).toEqual({ ok: false, error: 'expired_trigger_id' });
    const listed = (await (await fetch(`${catcher.url}/_views`)).json()) as {
      views: { triggerId: string }[];
    };
    expect(listed.views.map((v) => v.triggerId)).toEqual([trigger_id]);
    expect(catcher.messages().map((m) => m.kind)).toEqual(['views.open']);
  });

  it.each([
    ['no token', 'views.publish', { user_id: 'U0LOCAL1', view: home }, null, 'not_authed'],
    ['a wrong token', 'views.publish', { user_id: 'U0LOCAL1', view: home }, 'xoxb-other', 'invalid_auth'],
    ['no user_id', 'views.publish', { view: home }, 'xoxb-test', 'invalid_arguments'],
    ['no view', 'views.publish', { user_id: 'U0LOCAL1' }, 'xoxb-test', 'invalid_arguments'],
    [
      'a modal published as Home',
      'views.publish',
      { user_id: 'U0LOCAL1', view: modal },
      'xoxb-test',
      'invalid_arguments',
    ],
    [
      '101 blocks',
      'views.publish',
      {
        user_id: 'U0LOCAL1',
        view: { ...home, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
      },
      'xoxb-test',
      'invalid_arguments',
    ],
    [
      'a view over 250 KB',
      'views.publish',
      { user_id: 'U0LOCAL1', view: { ...home, private_metadata: 'x'.repeat(260_000) } },
      'xoxb-test',
      'view_too_large',
    ],
    ['no trigger_id', 'views.open', { view: modal }, 'xoxb-test', 'invalid_arguments'],
    [
      'a made-up trigger_id',
      'views.open',
      { trigger_id: 'nope', view: modal },
      'xoxb-test',
      'invalid_trigger_id',
    ],
  ])('refuses %s with ok:false', async (_name, method, body, token, error) => {
    // Act
    const answer = await call(method, body, token);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: false, error });
    expect(catcher.messages()).toEqual([]);
  });
});
