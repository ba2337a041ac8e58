import { InstanceUpdated } from '@branch-envs/shared/events/InstanceUpdated';
import { notify } from '../../src/domain/notify';
import { type NotifierEvent, planFor } from '../../src/domain/plan';
import type { Invocation, NotifierPorts } from '../../src/domain/ports';
import { advances, STATE_RANK, updateRank } from '../../src/domain/states';
import { GithubApiError, MessageBusyError, NoRouteError, SlackApiError } from '../../src/errors';
import { deploymentStory, detailOf, silentLogger } from '../helpers/factories';
import {
  countingTelemetry,
  fakePorts,
  memoryStore,
  recordingGithub,
  recordingSlack,
} from '../helpers/fakePorts';

type Story = ReturnType<typeof deploymentStory>;
type Step = Exclude<keyof Story, 'deployId' | 'replyTo'>;

const DETAIL_TYPES: Record<Step, NotifierEvent['detailType']> = {
  resolved: 'BranchResolved',
  rejected: 'DeployRejected',
  launched: 'InstanceLaunched',
  ready: 'InstanceReady',
  failed: 'DeployFailed',
  expiring: 'InstanceExpiring',
  extended: 'ExpiryExtended',
  terminated: 'InstanceTerminated',
  refused: 'RequestRefused',
};

const eventOf = (story: Story, step: Step, data: Record<string, unknown> = {}): NotifierEvent =>
  ({ detailType: DETAIL_TYPES[step], detail: story[step](data) }) as NotifierEvent;

const invocationFor = (event: NotifierEvent, remainingMs = 25_000): Invocation => ({
  eventId: event.detail.metadata.eventId,
  logger: silentLogger(),
  remainingMs: () => remainingMs,
});

const run = (event: NotifierEvent, ports: NotifierPorts) =>
  notify(planFor(event, { now: new Date(), nightly: ports.nightly }), ports, invocationFor(event));

describe('state ordering', () => {
  it('ranks the states in the order a deployment lives them', () => {
    // Act
    const order = Object.entries(STATE_RANK)
      .sort(([, a], [, b]) => a - b)
      .map(([state]) => state);

    // Assess
    expect(order).toEqual([
      'resolving',
      'found',
      'launching',
      'ready',
      'updated',
      'update_failed',
      'failed',
      'rejected',
      'terminated',
    ]);
    expect(advances(STATE_RANK.ready, 'launching')).toBe(false);
    expect(advances(STATE_RANK.ready, 'ready')).toBe(false);
    expect(advances(STATE_RANK.ready, 'terminated')).toBe(true);
    expect(advances(undefined, 'found')).toBe(true);
  });

  it('ranks each update after ready and the updates before it, and before every later state', () => {
    // Act
    const ranks = [1, 2, 3, 1000].map(updateRank);

    // Assess
    expect(ranks[0]).toBeGreaterThan(STATE_RANK.ready);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(Math.max(...ranks)).toBeLessThan(STATE_RANK.failed);
  });

  it('edits one message through every state, replacing the original each time', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const ports = fakePorts({ slack: slack.slack });

    // Act
    for (const step of ['resolved', 'launched', 'ready', 'terminated'] as const)
      await run(eventOf(story, step), ports);

    // Assess
    expect(slack.calls.map((c) => c.kind)).toEqual([
      'response_url',
      'response_url',
      'response_url',
      'response_url',
    ]);
    for (const call of slack.calls) {
      expect(call).toMatchObject({ url: story.replyTo.responseUrl, body: { replace_original: true } });
    }
    expect(slack.calls.map((c) => ('body' in c ? [...c.body.text][0] : ''))).toEqual([
      '🔎',
      '🚀',
      '✅',
      '🛑',
    ]);
  });

  it('sends nothing for a launching that arrives after ready', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const github = recordingGithub();
    const telemetry = countingTelemetry();
    const ports = fakePorts({ slack: slack.slack, github: github.github, telemetry: telemetry.telemetry });
    await run(eventOf(story, 'resolved'), ports);
    await run(eventOf(story, 'ready'), ports);

    // Act
    await run(eventOf(story, 'launched'), ports);

    // Assess
    expect(slack.calls).toHaveLength(2);
    expect(github.statuses.map((s) => s.status.state)).toEqual(['success']);
    expect(telemetry.counts.StaleEventSkipped).toBe(1);
  });

  it('moves to the bot once the response_url is used up, then edits that bot message', async () => {
    // Prepare
    const story = deploymentStory();
    const memory = memoryStore();
    const slack = recordingSlack();
    const ports = fakePorts({ store: memory.store, slack: slack.slack });
    memory.uses.set(story.replyTo.responseUrl ?? '', 5);

    // Act
    await run(eventOf(story, 'resolved'), ports);
    await run(eventOf(story, 'launched'), ports);

    // Assess
    expect(slack.calls.map((c) => c.kind)).toEqual(['chat.postMessage', 'chat.update']);
    expect(slack.calls[0]).toMatchObject({ channel: story.replyTo.userId });
    expect(memory.items.get(story.deployId)?.thread?.channel).toBe(story.replyTo.userId);
  });

  it('waits for another event holding the message, then hands the record back to SQS', async () => {
    // Prepare
    const story = deploymentStory();
    const memory = memoryStore();
    let clock = 0;
    const ports = fakePorts({
      store: memory.store,
      clock: {
        now: () => new Date(clock),
        sleep: async (ms) => {
          clock += ms;
        },
      },
    });
    await memory.store.acquire(story.deployId, STATE_RANK.launching, 'OTHER-EVENT', new Date());

    // Act
    const act = run(eventOf(story, 'ready'), ports);

    // Assess
    await expect(act).rejects.toBeInstanceOf(MessageBusyError);
    expect(clock).toBeGreaterThanOrEqual(10_000);
  });

  it('releases the message when Slack refuses it, so the retry can take it again', async () => {
    // Prepare
    const story = deploymentStory();
    const memory = memoryStore();
    const slack = recordingSlack();
    slack.failNextWith(new SlackApiError('response_url', 'invalid_blocks'));
    const ports = fakePorts({ store: memory.store, slack: slack.slack });
    const event = eventOf(story, 'ready');

    // Act
    await expect(run(event, ports)).rejects.toBeInstanceOf(SlackApiError);
    await run(event, ports);

    // Assess
    expect(slack.calls).toHaveLength(1);
    expect(memory.items.get(story.deployId)).toMatchObject({ rank: STATE_RANK.ready, leaseBy: undefined });
  });

  it('fails the record when no route can carry a message that has an addressee', async () => {
    // Prepare
    const story = deploymentStory({
      replyTo: { userId: 'U024BE7LH', channelId: 'C0123ABCD', issuedAt: new Date().toISOString() },
    });
    const ports = fakePorts({ slack: recordingSlack({ bot: false, webhook: false }).slack });

    // Act + Assess
    await expect(run(eventOf(story, 'ready'), ports)).rejects.toBeInstanceOf(NoRouteError);
  });

  it('records an orphan termination quietly when nobody can be told', async () => {
    // Prepare
    const story = deploymentStory();
    const memory = memoryStore();
    const slack = recordingSlack({ bot: false, webhook: false });
    const ports = fakePorts({ store: memory.store, slack: slack.slack });

    // Act
    await run(
      eventOf(story, 'terminated', { replyTo: undefined, owner: undefined, reason: 'orphan' }),
      ports,
    );

    // Assess
    expect(slack.calls).toEqual([]);
    expect(memory.items.get(story.deployId)?.rank).toBe(STATE_RANK.terminated);
  });
});

describe('GitHub Deployments', () => {
  it('creates one deployment for the head SHA and moves its status with the message', async () => {
    // Prepare
    const story = deploymentStory();
    const github = recordingGithub();
    const ports = fakePorts({ github: github.github });

    // Act
    for (const step of ['resolved', 'launched', 'ready', 'terminated'] as const)
      await run(eventOf(story, step), ports);

    // Assess
    expect(github.created).toEqual([
      { ref: '3f786850e387550fdab836ed7e6dc881de23001b', environment: 'preview/feature/ABC-123-login-page' },
    ]);
    expect(github.statuses.map(({ id, status }) => [id, status.state, status.environmentUrl])).toEqual([
      [1001, 'in_progress', undefined],
      [1001, 'success', 'http://10.0.1.23/'],
      [1001, 'inactive', undefined],
    ]);
  });

  it('gives an update in place a deployment of its own SHA, and marks the one it replaces inactive', async () => {
    // Prepare
    const story = deploymentStory();
    const github = recordingGithub();
    const ports = fakePorts({ github: github.github });
    for (const step of ['resolved', 'launched', 'ready'] as const) await run(eventOf(story, step), ports);
    const updated = detailOf(InstanceUpdated, {
      deployId: story.deployId,
      replyTo: story.replyTo,
      branch: 'feature/ABC-123-login-page',
      headSha: 'abc1234'.padEnd(40, '0'),
      sequence: 1,
    });

    // Act
    await run({ detailType: 'InstanceUpdated', detail: updated } as NotifierEvent, ports);
    await run(eventOf(story, 'terminated'), ports);

    // Assess
    expect(github.created.map((c) => c.ref)).toEqual([
      '3f786850e387550fdab836ed7e6dc881de23001b',
      'abc1234'.padEnd(40, '0'),
    ]);
    expect(github.created[1]?.environment).toBe('preview/feature/ABC-123-login-page');
    expect(github.statuses.slice(2).map(({ id, status }) => [id, status.state])).toEqual([
      [1002, 'success'],
      [1001, 'inactive'],
      [1002, 'inactive'],
    ]);
  });

  it('still creates the deployment when BranchResolved loses the race to ready, with its status caught up', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const github = recordingGithub();
    const ports = fakePorts({ slack: slack.slack, github: github.github });
    await run(eventOf(story, 'ready'), ports);

    // Act
    await run(eventOf(story, 'resolved'), ports);

    // Assess
    expect(slack.calls).toHaveLength(1);
    expect(github.created).toHaveLength(1);
    expect(github.statuses.map(({ status }) => [status.state, status.environmentUrl])).toEqual([
      ['success', 'http://10.0.1.23/'],
    ]);
  });

  it('sends the Slack message and counts the failure when GitHub fails', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const telemetry = countingTelemetry();
    const github = recordingGithub({ failWith: new GithubApiError('create deployment', 500) });
    const ports = fakePorts({ slack: slack.slack, github: github.github, telemetry: telemetry.telemetry });

    // Act
    await run(eventOf(story, 'resolved'), ports);

    // Assess
    expect(slack.calls).toHaveLength(1);
    expect(telemetry.counts.GithubCallFailed).toBe(1);
  });

  it('marks a failed boot as failure and a configuration problem as error', async () => {
    // Prepare
    const states: string[] = [];
    for (const reason of ['boot_timeout', 'boot_failed', 'config_error'] as const) {
      const story = deploymentStory();
      const github = recordingGithub();
      const ports = fakePorts({ github: github.github });
      await run(eventOf(story, 'resolved'), ports);

      // Act
      await run(eventOf(story, 'failed', { reason }), ports);
      states.push(...github.statuses.map((s) => s.status.state));
    }

    // Assess
    expect(states).toEqual(['failure', 'failure', 'error']);
  });
});

describe('notices', () => {
  it('warns about an expiry once, as a new message, however often the warning comes', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const ports = fakePorts({ slack: slack.slack });

    // Act
    await run(eventOf(story, 'expiring'), ports);
    await run(eventOf(story, 'expiring'), ports);

    // Assess
    expect(slack.calls).toHaveLength(1);
    expect(slack.calls[0]).toMatchObject({ kind: 'response_url', body: { replace_original: false } });
  });

  it('says nothing about expiry once the environment is terminated', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const ports = fakePorts({ slack: slack.slack });
    await run(eventOf(story, 'terminated'), ports);

    // Act
    await run(eventOf(story, 'expiring'), ports);
    await run(eventOf(story, 'extended'), ports);

    // Assess
    expect(slack.calls).toHaveLength(1);
  });

  it('re-renders the ready message with its URL when an extension is confirmed', async () => {
    // Prepare
    const story = deploymentStory();
    const slack = recordingSlack();
    const ports = fakePorts({ slack: slack.slack });
    await run(eventOf(story, 'ready'), ports);

    // Act
    await run(eventOf(story, 'extended'), ports);

    // Assess
    const last = slack.calls.at(-1);
    expect(last).toMatchObject({ kind: 'response_url', body: { replace_original: true } });
    expect(JSON.stringify(last)).toContain('http://10.0.1.23/');
    expect(JSON.stringify(last)).toContain('"action_id":"terminate"');
  });
});
