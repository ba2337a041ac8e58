import { type SlackCatcher, startSlackCatcher } from '../../src/standins/slackCatcher';

/** The catcher's file uploads, in the order and shapes Slack documents (ADR 0030). */
let catcher: SlackCatcher;
const AUTH = { authorization: 'Bearer xoxb-test' };

beforeAll(async () => {
  catcher = await startSlackCatcher({ botToken: 'xoxb-test' });
});
beforeEach(() => catcher.reset());
afterAll(async () => {
  await catcher?.stop();
});

const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = AUTH) =>
  fetch(`${catcher.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

const json = (path: string, body: unknown) =>
  fetch(`${catcher.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH },
    body: JSON.stringify(body),
  });

describe('Slack catcher file uploads', () => {
  it('gives an upload URL, takes the bytes, and shares the file in the thread on completion', async () => {
    // Act
    const asked = (await (
      await form('/api/files.getUploadURLExternal', { filename: 'a.log', length: '6' })
    ).json()) as {
      ok: boolean;
      upload_url: string;
      file_id: string;
    };
    const uploaded = await fetch(asked.upload_url, { method: 'POST', body: 'héllo' });
    const completed = await json('/api/files.completeUploadExternal', {
      files: [{ id: asked.file_id, title: 'App journal' }],
      channel_id: 'C0123ABCD',
      thread_ts: '1764147600.000100',
      initial_comment: 'the logs',
    });

    // Assess
    expect(asked).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/) });
    expect(uploaded.status).toBe(200);
    expect(await uploaded.text()).toBe('OK - 6');
    expect(await completed.json()).toEqual({
      ok: true,
      files: [{ id: asked.file_id, title: 'App journal' }],
    });
    const [message] = catcher.messages();
    expect(message).toMatchObject({
      kind: 'files.completeUploadExternal',
      channel: 'C0123ABCD',
      payload: { thread_ts: '1764147600.000100', files: [expect.objectContaining({ content: 'héllo' })] },
    });
  });

  it('refuses what Slack refuses: no token, a wrong length, an unknown file, the retired files.upload', async () => {
    // Act
    const noToken = await (
      await form('/api/files.getUploadURLExternal', { filename: 'a.log', length: '5' }, {})
    ).json();
    const asked = (await (
      await form('/api/files.getUploadURLExternal', { filename: 'a.log', length: '5' })
    ).json()) as {
      upload_url: string;
    };
    const wrongLength = await fetch(asked.upload_url, { method: 'POST', body: 'too long' });
    const unknown = await (
      await json('/api/files.completeUploadExternal', { files: [{ id: 'F0NOPE' }] })
    ).json();
    const retired = await (await form('/api/files.upload', { content: 'x' })).json();

    // Assess
    expect(noToken).toEqual({ ok: false, error: 'not_authed' });
    expect(wrongLength.status).toBe(400);
    expect(unknown).toEqual({ ok: false, error: 'file_not_found' });
    expect(retired).toEqual({ ok: false, error: 'method_deprecated' });
    expect(catcher.messages()).toEqual([]);
  });
});
