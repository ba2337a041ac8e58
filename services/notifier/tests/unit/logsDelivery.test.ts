import { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import { fixtureDetail } from '../../../../shared/tests/helpers/factories';
import { type SlackGatewayOptions, SlackWebGateway } from '../../src/adapters/slackGateway';
import { INLINE_LOG_CHARS, logsMessage } from '../../src/domain/messages/logs';
import { notify } from '../../src/domain/notify';
import { type NotifierEvent, planFor } from '../../src/domain/plan';
import type { NotifierPorts } from '../../src/domain/ports';
import { SlackApiError } from '../../src/errors';
import { silentLogger } from '../helpers/factories';
import { fakePorts, memoryStore, recordingSlack } from '../helpers/fakePorts';

/** LogsCollected in Slack (ADR 0030): where it goes, how it reads, and Slack's upload flow. */
const THREAD = { channel: 'C0123ABCD', ts: '1764147600.000100' };

const eventWith = (text: string, issuedAt = new Date().toISOString()): NotifierEvent => {
  const detail = fixtureDetail(LogsCollected);
  const data = {
    ...detail.data,
    outcome: { ...detail.data.outcome, text },
    replyTo: { ...detail.data.replyTo, issuedAt },
  } as LogsCollected['data'];
  return { detailType: 'LogsCollected', detail: { ...detail, data } } as NotifierEvent;
};

const run = async (event: NotifierEvent, ports: NotifierPorts) =>
  notify(planFor(event, { now: new Date(), nightly: ports.nightly }), ports, {
    eventId: event.detail.metadata.eventId,
    logger: silentLogger(),
    remainingMs: () => 25_000,
  });

const withThread = async () => {
  const memory = memoryStore();
  await memory.store.rememberThread(fixtureDetail(LogsCollected).data.deployId, THREAD);
  return memory.store;
};

describe('posting collected logs', () => {
  it("replies in the deployment's thread with a code block when the log is short", async () => {
    // Prepare
    const slack = recordingSlack();
    const ports = fakePorts({ store: await withThread(), slack: slack.slack });

    // Act
    await run(eventWith('GET /health 200\nsecret [REDACTED]\n'), ports);

    // Assess
    expect(slack.calls).toHaveLength(1);
    const [call] = slack.calls;
    expect(call).toMatchObject({ kind: 'reply', thread: THREAD });
    expect(JSON.stringify(call)).toContain('```GET /health 200\\nsecret [REDACTED]```');
  });

  it("uploads a long log as a file in the deployment's thread", async () => {
    // Prepare
    const slack = recordingSlack();
    const ports = fakePorts({ store: await withThread(), slack: slack.slack });
    const long = `${'a line of the journal'.padEnd(99, '.')}\n`.repeat(100);

    // Act
    await run(eventWith(long), ports);

    // Assess
    expect(slack.calls).toEqual([
      {
        kind: 'file',
        file: expect.objectContaining({
          channel: THREAD.channel,
          threadTs: THREAD.ts,
          filename: '01KB0W8J6QF3ZC9D2M4N5P7R8S-app.log',
          content: long,
          comment: expect.stringContaining(':scroll: The last 100 lines of the app'),
        }),
      },
    ]);
  });

  it('answers the person who asked on the response_url, with the end of a long log and a true note, when there is no thread', async () => {
    // Prepare
    const slack = recordingSlack();
    const ports = fakePorts({ slack: slack.slack });
    const long = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');

    // Act
    await run(eventWith(long), ports);

    // Assess
    const [call] = slack.calls;
    expect(call?.kind).toBe('response_url');
    const text = JSON.stringify(call);
    expect(text).toContain('line 399```');
    expect(text).not.toContain('line 0\\n');
    expect(text).toContain(
      "Only the end fits in a message; the whole log (3,489 characters) is posted as a file in the deployment's thread when it has one.",
    );
  });

  it('says why there are no logs when none could be collected', () => {
    // Prepare
    const data = {
      ...fixtureDetail(LogsCollected).data,
      outcome: { status: 'unavailable', reason: 'not_live', message: 'The deployment has ended.' },
    } as LogsCollected['data'];

    // Act
    const message = logsMessage(data);

    // Assess
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain(":warning: No logs from the app's journal of `feature/ABC-123-login-page`");
    expect(shown).toContain('The deployment has ended.');
  });

  it('keeps a log that mrkdwn would grow by escaping within one section', () => {
    // Prepare
    const data = {
      ...fixtureDetail(LogsCollected).data,
      outcome: {
        status: 'collected',
        source: 'run_command',
        text: '<>&'.repeat(INLINE_LOG_CHARS / 3),
        notes: [],
        redactions: 0,
      },
    } as LogsCollected['data'];

    // Act
    const message = logsMessage(data);

    // Assess
    const sections = JSON.stringify(message.blocks).match(/"text":"([^"]|\\")*"/g) ?? [];
    expect(Math.max(...sections.map((s) => s.length))).toBeLessThanOrEqual(3_050);
    expect(JSON.stringify(message)).toContain('Only the end fits in a message');
  });
});

describe("Slack's external file upload", () => {
  const budget = { remainingMs: () => 25_000 };
  const file = {
    channel: 'C0123ABCD',
    threadTs: '1764147600.000100',
    filename: 'x-app.log',
    title: 'App journal',
    content: 'héllo\n',
    comment: 'the logs',
  };
  const scripted = (uploadUrl: string) => {
    const sent: { url: string; init: RequestInit | undefined }[] = [];
    const answers = [
      new Response(JSON.stringify({ ok: true, upload_url: uploadUrl, file_id: 'F0ABC123' })),
      new Response('OK - 7'),
      new Response(JSON.stringify({ ok: true, files: [{ id: 'F0ABC123', title: 'App journal' }] })),
    ];
    const fake = (async (input: string | URL | Request, init?: RequestInit) => {
      sent.push({ url: String(input), init });
      return answers.shift() ?? new Response('{}', { status: 500 });
    }) as typeof fetch;
    const options: SlackGatewayOptions = {
      hooksOrigin: 'https://hooks.slack.com',
      apiBase: 'https://slack.com/api',
      botToken: async () => 'xoxb-test',
      webhookUrl: async () => undefined,
      logger: silentLogger(),
      fetch: fake,
    };
    return { slack: new SlackWebGateway(options), sent };
  };

  it('asks for an upload URL by byte length, posts the bytes without the token, and completes into the thread', async () => {
    // Prepare
    const { slack, sent } = scripted('https://files.slack.com/upload/v1/abc');

    // Act
    await slack.uploadFile(file, budget);

    // Assess
    expect(sent.map((s) => s.url)).toEqual([
      'https://slack.com/api/files.getUploadURLExternal',
      'https://files.slack.com/upload/v1/abc',
      'https://slack.com/api/files.completeUploadExternal',
    ]);
    const [ask, upload, complete] = sent;
    expect(new URLSearchParams(String(ask?.init?.body)).get('length')).toBe('7');
    expect(new URLSearchParams(String(ask?.init?.body)).get('filename')).toBe('x-app.log');
    expect(new Headers(ask?.init?.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(new Headers(upload?.init?.headers).get('authorization')).toBeNull();
    expect(JSON.parse(String(complete?.init?.body))).toEqual({
      files: [{ id: 'F0ABC123', title: 'App journal' }],
      channel_id: 'C0123ABCD',
      thread_ts: '1764147600.000100',
      initial_comment: 'the logs',
    });
    expect(new Headers(complete?.init?.headers).get('authorization')).toBe('Bearer xoxb-test');
  });

  it('refuses an upload URL on another host, sending the bytes nowhere', async () => {
    // Prepare
    const { slack, sent } = scripted('https://attacker.example/upload');

    // Act
    const upload = slack.uploadFile(file, budget);

    // Assess
    await expect(upload).rejects.toBeInstanceOf(SlackApiError);
    expect(sent).toHaveLength(1);
  });
});
