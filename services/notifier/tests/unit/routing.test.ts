import {
  botChannel,
  candidateRoutes,
  RESPONSE_URL_LIFETIME_MS,
  type RouteInput,
  responseUrlFresh,
} from '../../src/domain/routing';
import { replyTo } from '../helpers/factories';

const issuedAt = new Date('2026-11-26T09:00:00.000Z');
const minutesLater = (minutes: number) => new Date(issuedAt.getTime() + minutes * 60_000);
const reply = replyTo({ issuedAt: issuedAt.toISOString() });

const input = (overrides: Partial<RouteInput> = {}): RouteInput => ({
  replyTo: reply,
  thread: undefined,
  purpose: 'update',
  now: minutesLater(1),
  visibility: 'ephemeral',
  bot: true,
  webhook: true,
  ...overrides,
});

describe('response_url freshness', () => {
  it('treats a response_url as usable until shortly before its 30 minutes are up', () => {
    // Act
    const results = [0, 29, 29.9, 30, 45].map((m) => responseUrlFresh(reply, minutesLater(m)));

    // Assess
    expect(results).toEqual([true, true, false, false, false]);
    expect(RESPONSE_URL_LIFETIME_MS).toBe(30 * 60_000);
  });

  it('has no usable response_url when the event carries none', () => {
    // Act + Assess
    expect(responseUrlFresh({ ...reply, responseUrl: undefined }, minutesLater(1))).toBe(false);
    expect(responseUrlFresh(undefined, minutesLater(1))).toBe(false);
  });
});

describe('candidate routes', () => {
  it('tries the fresh response_url first, then a new bot message, then the webhook', () => {
    // Act
    const routes = candidateRoutes(input());

    // Assess
    expect(routes.map((r) => r.kind)).toEqual(['response_url', 'chat.postMessage', 'webhook']);
    expect(routes[0]).toEqual({
      kind: 'response_url',
      url: reply.responseUrl,
      expiresAt: new Date(issuedAt.getTime() + RESPONSE_URL_LIFETIME_MS),
    });
  });

  it('goes to the bot once the response_url has expired', () => {
    // Act
    const routes = candidateRoutes(input({ now: minutesLater(31) }));

    // Assess
    expect(routes.map((r) => r.kind)).toEqual(['chat.postMessage', 'webhook']);
  });

  it('keeps editing the bot message once the deployment has one, even while the response_url lives', () => {
    // Act
    const routes = candidateRoutes(input({ thread: { channel: 'D0DM', ts: '1.000100' } }));

    // Assess
    expect(routes).toEqual([{ kind: 'chat.update', thread: { channel: 'D0DM', ts: '1.000100' } }]);
  });

  it('posts warnings and replies as new messages, never as edits', () => {
    // Act
    const routes = candidateRoutes(
      input({ purpose: 'new', thread: { channel: 'D0DM', ts: '1.000100' }, now: minutesLater(120) }),
    );

    // Assess
    expect(routes.map((r) => r.kind)).toEqual(['chat.postMessage', 'webhook']);
  });

  it('falls back to the webhook when no bot token is configured', () => {
    // Act
    const routes = candidateRoutes(input({ bot: false, now: minutesLater(40) }));

    // Assess
    expect(routes).toEqual([{ kind: 'webhook' }]);
  });

  it('has no route at all when the response_url is dead and nothing else is configured', () => {
    // Act
    const routes = candidateRoutes(input({ bot: false, webhook: false, now: minutesLater(40) }));

    // Assess
    expect(routes).toEqual([]);
  });

  it('reaches an orphan report only through an existing bot message or the webhook', () => {
    // Act
    const withoutThread = candidateRoutes(input({ replyTo: undefined }));
    const withThread = candidateRoutes(input({ replyTo: undefined, thread: { channel: 'C1', ts: '2.0' } }));

    // Assess
    expect(withoutThread).toEqual([{ kind: 'webhook' }]);
    expect(withThread.map((r) => r.kind)).toEqual(['chat.update']);
  });
});

describe('bot channel', () => {
  it('writes to the channel for in_channel and to the user directly for ephemeral', () => {
    // Act + Assess
    expect(botChannel(reply, 'in_channel')).toBe('C0123ABCD');
    expect(botChannel(reply, 'ephemeral')).toBe('U024BE7LH');
  });
});
