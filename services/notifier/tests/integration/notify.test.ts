import { Logger } from '@aws-lambda-powertools/logger';
import {
  BranchResolved,
  deploymentStory,
  ExpiryExtended,
  InstanceExpiring,
  InstanceLaunched,
  InstanceReady,
  InstanceTerminated,
  lambdaContext,
  replyTo,
} from '../helpers/factories';
import { type Harness, startHarness } from '../helpers/harness';

const firstChar = (body: Record<string, unknown>): string => [...String(body.text)][0] ?? '';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('notifier against moto and local Slack and GitHub stand-ins', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.stop();
  });

  const deliveredFor = (deployId: string) =>
    h.slack.delivered().filter((c) => JSON.stringify(c.body).includes(deployId));

  it('turns the event sequence into one message updated in place, and GitHub statuses to match', async () => {
    // Prepare
    const story = deploymentStory();
    const path = new URL(story.replyTo.responseUrl ?? '').pathname;

    // Act
    for (const [contract, detail] of [
      [BranchResolved, story.resolved()],
      [InstanceLaunched, story.launched()],
      [InstanceReady, story.ready()],
      [InstanceTerminated, story.terminated()],
    ] as const) {
      const result = await h.send([[contract, detail]]);
      expect(result.batchItemFailures).toEqual([]);
    }

    // Assess
    const messages = deliveredFor(story.deployId);
    expect(messages.map((m) => [m.kind, m.path, m.body.replace_original])).toEqual(
      Array.from({ length: 4 }, () => ['response_url', path, true]),
    );
    expect(messages.map((m) => firstChar(m.body))).toEqual(['🔎', '🚀', '✅', '🛑']);
    const deployment = h.github.deployments().find((d) => JSON.stringify(d.body).includes(story.deployId));
    expect(deployment?.body).toMatchObject({
      ref: '3f786850e387550fdab836ed7e6dc881de23001b',
      environment: 'preview/feature/ABC-123-login-page',
      transient_environment: true,
      auto_merge: false,
      required_contexts: [],
    });
    const statuses = h.github.statuses().filter((s) => s.deploymentId === deployment?.id);
    expect(statuses.map((s) => [s.body.state, s.body.environment_url])).toEqual([
      ['in_progress', undefined],
      ['success', 'http://10.0.1.23/'],
      ['inactive', undefined],
    ]);
  });

  it('switches to the bot once the response_url has been used five times', async () => {
    // Prepare
    const story = deploymentStory();

    // Act
    await h.send([[BranchResolved, story.resolved()]]);
    await h.send([[InstanceLaunched, story.launched()]]);
    await h.send([[InstanceReady, story.ready()]]);
    await h.send([[InstanceExpiring, story.expiring()]]);
    await h.send([[ExpiryExtended, story.extended()]]);
    await h.send([[InstanceTerminated, story.terminated()]]);

    // Assess
    const messages = deliveredFor(story.deployId);
    expect(messages.map((m) => m.kind)).toEqual([
      'response_url',
      'response_url',
      'response_url',
      'response_url',
      'response_url',
      'chat.postMessage',
    ]);
    expect(messages[5]).toMatchObject({ channel: story.replyTo.userId });
    expect(firstChar(messages[5]?.body ?? {})).toBe('🛑');
    expect(h.counts.ResponseUrlFallback).toBeGreaterThanOrEqual(1);
  });

  it('switches to the bot when the response_url has expired, then edits that one message', async () => {
    // Prepare
    const story = deploymentStory({ replyTo: replyTo({ issuedAt: minutesAgo(31) }) });

    // Act
    await h.send([[BranchResolved, story.resolved()]]);
    await h.send([[InstanceLaunched, story.launched()]]);
    await h.send([[InstanceReady, story.ready()]]);

    // Assess
    const messages = deliveredFor(story.deployId);
    expect(messages.map((m) => m.kind)).toEqual(['chat.postMessage', 'chat.update', 'chat.update']);
    expect(new Set(messages.map((m) => `${m.channel}/${m.ts}`)).size).toBe(1);
    expect(messages[2]?.body).toMatchObject({ channel: story.replyTo.userId, ts: messages[0]?.ts });
    expect(firstChar(messages[2]?.body ?? {})).toBe('✅');
  });

  it('posts nothing new when a batch is replayed, even after its idempotency records are gone', async () => {
    // Prepare
    const story = deploymentStory();
    const batch: Parameters<Harness['send']>[0] = [
      [BranchResolved, story.resolved()],
      [InstanceLaunched, story.launched()],
      [InstanceReady, story.ready()],
    ];
    const first = await h.send(batch);
    expect(first.batchItemFailures).toEqual([]);
    const before = { slack: h.slack.all().length, statuses: h.github.statuses().length };

    // Act
    const replayed = await h.send(batch);
    await h.forgetHandledEvents();
    const replayedLater = await h.send(batch);

    // Assess
    expect([replayed.batchItemFailures, replayedLater.batchItemFailures]).toEqual([[], []]);
    expect({ slack: h.slack.all().length, statuses: h.github.statuses().length }).toEqual(before);
    expect(firstChar(deliveredFor(story.deployId).at(-1)?.body ?? {})).toBe('✅');
  });

  it('does not regress the message when InstanceLaunched arrives after InstanceReady', async () => {
    // Prepare
    const story = deploymentStory();
    await h.send([[BranchResolved, story.resolved()]]);
    await h.send([[InstanceReady, story.ready()]]);

    // Act
    const result = await h.send([[InstanceLaunched, story.launched()]]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(deliveredFor(story.deployId).map((m) => firstChar(m.body))).toEqual(['🔎', '✅']);
    const deployment = h.github.deployments().find((d) => JSON.stringify(d.body).includes(story.deployId));
    const states = h.github.statuses().filter((s) => s.deploymentId === deployment?.id);
    expect(states.map((s) => s.body.state)).toEqual(['success']);
  });

  it('ends on ready when launching and ready arrive in one batch', async () => {
    // Prepare
    const story = deploymentStory();

    // Act
    const result = await h.send([
      [InstanceReady, story.ready()],
      [InstanceLaunched, story.launched()],
    ]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(firstChar(deliveredFor(story.deployId).at(-1)?.body ?? {})).toBe('✅');
  });

  it('still sends the Slack message when GitHub answers 500', async () => {
    // Prepare
    const story = deploymentStory();
    h.github.failNext(1);

    // Act
    const result = await h.send([[BranchResolved, story.resolved()]]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(deliveredFor(story.deployId).map((m) => firstChar(m.body))).toEqual(['🔎']);
    expect(h.counts.GithubCallFailed).toBeGreaterThanOrEqual(1);
  });

  it('retries a Slack 429 after its Retry-After', async () => {
    // Prepare
    const story = deploymentStory();
    h.slack.script({ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });
    const started = Date.now();

    // Act
    const result = await h.send([[BranchResolved, story.resolved()]]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.sleeps).toContain(1000);
    expect(deliveredFor(story.deployId)).toHaveLength(1);
  });

  it('hands a 429 back to SQS when Retry-After outlasts the invocation, and delivers on redelivery', async () => {
    // Prepare
    const story = deploymentStory();
    const detail = story.resolved();
    h.slack.script({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' });
    const shortOnTime = { ...lambdaContext('notify'), getRemainingTimeInMillis: () => 8_000 };

    // Act
    const first = await h.send([[BranchResolved, detail]], shortOnTime);
    const redelivered = await h.send([[BranchResolved, detail]]);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(deliveredFor(story.deployId)).toHaveLength(1);
  });
});

describe('notifier routes without a bot token', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ botToken: undefined, webhook: true });
  });

  afterAll(async () => {
    await h.stop();
  });

  it('falls back to the incoming webhook once the response_url is dead', async () => {
    // Prepare
    const story = deploymentStory({ replyTo: replyTo({ issuedAt: minutesAgo(45) }) });

    // Act
    const result = await h.send([[InstanceExpiring, story.expiring()]]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(h.slack.delivered().map((m) => [m.kind, m.path])).toEqual([['webhook', '/webhook/test']]);
  });
});

describe('notifier when Slack refuses the bot token', () => {
  let h: Harness;
  const lines: string[] = [];

  beforeAll(async () => {
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    const logger = new Logger({ serviceName: 'notifier', logLevel: 'ERROR' });
    h = await startHarness({ botToken: 'xoxb-revoked', logger });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await h.stop();
  });

  it('returns the record to the queue for the DLQ and logs invalid_auth once with the deployId', async () => {
    // Prepare
    const story = deploymentStory({ replyTo: replyTo({ issuedAt: minutesAgo(40) }) });

    // Act
    const result = await h.send([[InstanceReady, story.ready()]]);

    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    const refusals = lines.filter((line) => line.includes('invalid_auth'));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0] ?? '{}')).toMatchObject({
      level: 'ERROR',
      deployId: story.deployId,
      correlationId: story.deployId,
      slackMethod: 'chat.postMessage',
      slackError: 'invalid_auth',
    });
    expect(refusals[0]).not.toContain('xoxb-revoked');
  });
});
