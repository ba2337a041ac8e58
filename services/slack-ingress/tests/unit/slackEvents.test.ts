/**
 * Slack's Events API at POST /slack/events through the real ingress handler (mocked AWS): the
 * documented envelopes (url_verification, event_callback with app_home_opened), retries, and the
 * hostile-input table. Bodies follow Slack's own examples in its Events API documentation.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../../src/handlers/slackHttp';
import { nowSeconds, slackEvent, TEAM, USER } from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

const mocks = awsMocks();
beforeEach(() => mocks.reset());

const entries = (): PutEventsRequestEntry[] =>
  mocks.eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

const DM = 'D0LAN2Q65';

const homeOpened = (overrides: Record<string, unknown> = {}, event: Record<string, unknown> = {}) => ({
  token: 'deprecated-verification-token-ignored',
  team_id: TEAM,
  api_app_id: 'A0APP0001',
  event: {
    type: 'app_home_opened',
    user: USER,
    channel: DM,
    event_ts: '1515449522000016',
    tab: 'home',
    ...event,
  },
  type: 'event_callback',
  event_id: 'Ev08MFMKH6',
  event_time: nowSeconds(),
  ...overrides,
});

const eventsRequest = (
  body: unknown,
  options: Parameters<typeof slackEvent>[1] = {},
): APIGatewayProxyEventV2 =>
  slackEvent(typeof body === 'string' ? body : JSON.stringify(body), {
    route: 'events',
    contentType: 'application/json',
    ...options,
  });

describe('POST /slack/events', () => {
  it('answers url_verification with the challenge as JSON and publishes nothing', async () => {
    // Prepare
    const { invoke } = ingressHarness();
    const challenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';

    // Act
    const result = await invoke(
      eventsRequest({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' }),
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toEqual({ challenge });
    expect(entries()).toHaveLength(0);
  });

  it('publishes one HomeRequested for app_home_opened on the Home tab and answers an empty 200', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(eventsRequest(homeOpened()));

    // Assess
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    const [entry, ...rest] = entries();
    expect(rest).toHaveLength(0);
    expect(entry?.DetailType).toBe('HomeRequested');
    expect(entry?.Source).toBe('branch-envs.slack-ingress');
    expect(JSON.parse(String(entry?.Detail)).data).toEqual({
      userId: USER,
      teamId: TEAM,
      channelId: DM,
      slackEventId: 'Ev08MFMKH6',
    });
  });

  it('publishes a Slack retry of the same event_id with the same eventId, so the consumer drops it', async () => {
    // Prepare
    const { invoke } = ingressHarness();
    const body = homeOpened();

    // Act
    await invoke(eventsRequest(body));
    const retried = await invoke(
      eventsRequest(body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
    );

    // Assess
    expect(retried.statusCode).toBe(200);
    const ids = entries().map((e) => JSON.parse(String(e.Detail)).metadata.eventId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('gives two different Slack events two different eventIds', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    await invoke(eventsRequest(homeOpened()));
    await invoke(eventsRequest(homeOpened({ event_id: 'Ev08MFMKH7' })));

    // Assess
    const ids = entries().map((e) => JSON.parse(String(e.Detail)).metadata.eventId);
    expect(new Set(ids).size).toBe(2);
  });

  it('acknowledges app_home_opened on the Messages tab without any effect', async () => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(eventsRequest(homeOpened({}, { tab: 'messages' })));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(entries()).toHaveLength(0);
  });

  it('answers 200 with no internals when the bus refuses the event: never a 5xx (the tab is rebuilt on the next open)', async () => {
    // Prepare
    mocks.eventBridge.on(PutEventsCommand).rejects(new Error('ServiceUnavailable: at /var/task/index.js:1'));
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(eventsRequest(homeOpened()));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(String(result.body)).not.toMatch(/index\.js|ServiceUnavailable|Error/);
  });

  it("acknowledges Slack's app_rate_limited notice without any effect", async () => {
    // Prepare
    const { invoke } = ingressHarness();
    const body = {
      token: 't',
      type: 'app_rate_limited',
      team_id: TEAM,
      minute_rate_limited: 1518467820,
      api_app_id: 'A0APP0001',
    };

    // Act
    const result = await invoke(eventsRequest(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(entries()).toHaveLength(0);
  });
});

interface HostileCase {
  name: string;
  event: () => APIGatewayProxyEventV2;
  expected: 400 | 401 | 413 | 415;
}

const hostile: HostileCase[] = [
  { name: 'bad signature', event: () => eventsRequest(homeOpened(), { secret: 'guess' }), expected: 401 },
  { name: 'no signature', event: () => eventsRequest(homeOpened(), { signature: null }), expected: 401 },
  {
    name: 'stale timestamp',
    event: () => eventsRequest(homeOpened(), { timestamp: String(nowSeconds() - 301) }),
    expected: 401,
  },
  {
    name: 'url_verification with a forged signature',
    event: () => eventsRequest({ type: 'url_verification', challenge: 'x' }, { secret: 'guess' }),
    expected: 401,
  },
  { name: 'garbage JSON', event: () => eventsRequest('{"type": "event_callback",'), expected: 400 },
  { name: 'JSON that is not an object', event: () => eventsRequest('[1,2,3]'), expected: 400 },
  { name: 'empty body', event: () => eventsRequest(''), expected: 400 },
  { name: 'unknown envelope type', event: () => eventsRequest({ type: 'block_suggestion' }), expected: 400 },
  {
    name: 'unsubscribed event type',
    event: () => eventsRequest(homeOpened({}, { type: 'message', text: 'hi' })),
    expected: 400,
  },
  {
    name: 'app_home_opened without a user',
    event: () => eventsRequest(homeOpened({}, { user: undefined })),
    expected: 400,
  },
  {
    name: 'app_home_opened with a user id that is not one',
    event: () => eventsRequest(homeOpened({}, { user: '<script>' })),
    expected: 400,
  },
  {
    name: 'event_callback without event_id',
    event: () => eventsRequest(homeOpened({ event_id: undefined })),
    expected: 400,
  },
  {
    name: 'malformed event_id',
    event: () => eventsRequest(homeOpened({ event_id: '../../etc' })),
    expected: 400,
  },
  {
    name: 'url_verification without challenge',
    event: () => eventsRequest({ type: 'url_verification' }),
    expected: 400,
  },
  {
    name: 'form content type',
    event: () => eventsRequest(homeOpened(), { contentType: 'application/x-www-form-urlencoded' }),
    expected: 415,
  },
  {
    name: 'oversized body',
    event: () => eventsRequest({ ...homeOpened(), pad: 'x'.repeat(MAX_BODY_BYTES) }),
    expected: 413,
  },
];

describe('POST /slack/events: hostile input', () => {
  it.each(hostile)('$name → $expected, nothing published', async ({ event, expected }) => {
    // Prepare
    const { invoke } = ingressHarness();

    // Act
    const result = await invoke(event());

    // Assess
    expect(result.statusCode).toBe(expected);
    expect(result.body).toBe('');
    expect(entries()).toHaveLength(0);
  });
});
