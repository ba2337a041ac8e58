import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { prClosedPayload, sendWebhook } from '../../local/src/cli/githubWebhook';
import { caughtMessages, deploymentStatus } from '../../local/src/cli/localCommands';
import { stageNames } from '../../local/src/ops/names';
import { replayNameFor, startReplay, waitForReplay } from '../../local/src/ops/replay';
import { loadDemoRepository } from '../../local/src/standins/githubDemo';
import { queueRoutedFrom } from '../helpers/aws';
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * Issue 18 on the local stack: a signed `pull_request` `closed` (merged) webhook, built from
 * GitHub's example payload, ends the live environment of its branch and the deploy's message says
 * why; a bad signature and a fork's pull request change nothing; a redelivery and a replay of the
 * archive change nothing more.
 */
const all = ['slack-ingress', 'github-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(
  serviceExists,
);
const describeIfAll = all ? describe : describe.skip;

interface Tapped {
  detailType: string;
  correlationId: string;
  data: Record<string, unknown>;
  replayed: boolean;
}

/** SQS delivers at least once and the tap deletes nothing: each event (or replayed copy) counts once. */
const seen = new Set<string>();

let t: TestStack;
let tapUrl = '';
const tapped: Tapped[] = [];
const demo = loadDemoRepository();
const BRANCH = 'demo-ready';

const drainTap = async (): Promise<Tapped[]> => {
  const out = await t.stack.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: tapUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  for (const m of out.Messages ?? []) {
    const body = JSON.parse(m.Body ?? '{}');
    const key = `${body.detail?.metadata?.eventId}|${body['replay-name'] ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tapped.push({
      detailType: body['detail-type'],
      correlationId: body.detail?.metadata?.correlationId,
      data: body.detail?.data ?? {},
      replayed: body['replay-name'] !== undefined,
    });
  }
  const entries = (out.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
  if (entries.length > 0)
    await t.stack.clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: tapUrl, Entries: entries }));
  return tapped;
};

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> =>
  waitUntil(t, what, probe, timeoutMs, 250);

const count = (detailType: string) => tapped.filter((e) => e.detailType === detailType).length;
const webhookUrl = () => `${t.stack.endpoints.httpApiUrl}/github/webhook`;
const messagesOf = async (deployId: string) =>
  JSON.stringify((await caughtMessages(t.stack.endpoints)).filter((m) => m.deployId === deployId));

describeIfAll('a pull request closing ends its environment, end to end on the local stack', () => {
  let deployId = '';
  const deliveryId = '5f3a9b4e-18e2-11f1-8c4d-0242ac120002';
  const merged = () => prClosedPayload(demo, { branch: BRANCH, merged: true });

  beforeAll(async () => {
    t = await startTestStack();
    tapUrl = await queueRoutedFrom(
      t.stack.clients,
      'branch-envs-local-bus',
      { source: [{ prefix: 'branch-envs.' }] },
      { queue: 'e2e-pr-closed-tap', rule: 'e2e-pr-closed-tap' },
    );
    await t.slash(`/deploy ${BRANCH}`, { timeoutMs: 60_000 });
    const ready = await waitFor('InstanceReady', async () =>
      (await drainTap()).find((e) => e.detailType === 'InstanceReady' && e.data.branch === BRANCH),
    );
    deployId = ready.correlationId;
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('answers a bad signature with a bare 401 and changes nothing', async () => {
    // Act
    const sent = await sendWebhook(webhookUrl(), 'pull_request', merged(), { secret: 'not-the-secret' });

    // Assess
    expect(sent).toMatchObject({ status: 401, body: '' });
    await drainTap();
    expect(count('PullRequestClosed')).toBe(0);
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('READY');
  });

  it('ignores a fork’s pull request of a branch with the same name', async () => {
    // Act
    const fork = prClosedPayload(demo, { branch: BRANCH, merged: true, fork: 'mallory/shop' });
    const sent = await sendWebhook(webhookUrl(), 'pull_request', fork);

    // Assess
    expect(sent.status).toBe(202);
    expect(JSON.parse(sent.body)).toEqual({ result: 'ignored', reason: 'fork' });
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('READY');
  });

  it('ends the environment when the pull request is merged, and the message says so', async () => {
    // Act
    const sent = await sendWebhook(webhookUrl(), 'pull_request', merged(), { deliveryId });

    // Assess
    expect(sent.status).toBe(202);
    expect(JSON.parse(sent.body)).toEqual({ result: 'published' });
    const terminated = await waitFor('InstanceTerminated', async () =>
      (await drainTap()).find((e) => e.detailType === 'InstanceTerminated' && e.data.deployId === deployId),
    );
    expect(terminated.data).toMatchObject({ reason: 'pr_merged', prNumber: 45, branch: BRANCH });
    await waitFor('TERMINATED', async () =>
      (await deploymentStatus(t.stack.endpoints, deployId))?.status === 'TERMINATED' ? true : undefined,
    );
    await waitFor('the Slack message', async () =>
      (await messagesOf(deployId)).includes('PR #45 was merged, so its environment ended') ? true : undefined,
    );
    const instances = await t.stack.clients.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:DeployId', Values: [deployId] }] }),
    );
    const states = instances.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
    expect(states).toEqual([expect.stringMatching(/shutting-down|terminated/)]);
  }, 90_000);

  it('answers a redelivery of the same delivery id as a duplicate and publishes nothing', async () => {
    // Act
    const sent = await sendWebhook(webhookUrl(), 'pull_request', merged(), { deliveryId });

    // Assess
    expect(sent.status).toBe(202);
    expect(JSON.parse(sent.body)).toEqual({ result: 'duplicate' });
    await drainTap();
    expect(count('PullRequestClosed')).toBe(1);
  });

  it('changes nothing more when the archive is replayed', async () => {
    // Prepare
    const messages = await messagesOf(deployId);
    const terminations = count('InstanceTerminated');
    const replayed = t.output.filter((l) => l.includes('Handling a replayed event')).length;
    const window = { from: new Date(Date.now() - 15 * 60_000), to: new Date() };
    const replayName = replayNameFor('ops', 'local', new Date());

    // Act
    await startReplay(t.stack.clients.eventBridge, stageNames('local'), window, replayName);
    const outcome = await waitForReplay(t.stack.clients.eventBridge, replayName, window, { pollMs: 200 });

    // Assess: the tap sees the replayed PullRequestClosed; the reaper and notifier do nothing with it
    expect(outcome).toMatchObject({ replayName, state: 'COMPLETED' });
    await waitFor('the reaper to handle the replayed PullRequestClosed', async () =>
      t.output.some(
        (l) => l.includes('[branch-envs-reaper-local-requests]') && l.includes('Handling a replayed event'),
      )
        ? true
        : undefined,
    );
    await waitFor('the consumers to handle the replay', async () =>
      t.output.filter((l) => l.includes('Handling a replayed event')).length > replayed ? true : undefined,
    );
    await drainTap();
    await new Promise((r) => setTimeout(r, 3000));
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('TERMINATED');
    expect(await messagesOf(deployId)).toBe(messages);
    // Only replayed copies, if any reached the tap: no consumer published a new one.
    expect(count('InstanceTerminated')).toBeLessThanOrEqual(terminations * 2);
    expect(tapped.filter((e) => e.detailType === 'InstanceTerminated' && !e.replayed)).toHaveLength(
      terminations,
    );
  }, 120_000);
});
