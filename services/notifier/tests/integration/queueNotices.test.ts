import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import { QueuedDeployStarted } from '@branch-envs/shared/events/QueuedDeployStarted';
import { newId } from '@branch-envs/shared/ids';
import { BranchResolved, deploymentStory, detailOf, replyTo } from '../helpers/factories';
import { type Harness, startHarness } from '../helpers/harness';

/**
 * ADR 0031: the owner of a queued request is told, where they pressed [Queue me], when it starts
 * (then the deployment's own message follows there) and when it ends without starting; each once.
 */
describe('notifier: queued requests that start or end (moto, Slack stand-in)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.stop();
  });

  const deliveredWith = (text: string) =>
    h.slack.delivered().filter((c) => JSON.stringify(c.body).includes(text));

  it('posts "starting" once as a new message, then the deployment follows in that conversation', async () => {
    // Prepare
    const press = replyTo();
    const story = deploymentStory({ replyTo: press });
    const entryId = newId();
    const started = detailOf(QueuedDeployStarted, {
      entryId,
      deployId: story.deployId,
      replyTo: press,
      enqueuedAt: new Date(Date.now() - 12 * 60_000).toISOString(),
      startedAt: new Date().toISOString(),
    });

    // Act
    const first = await h.send([[QueuedDeployStarted, started]]);
    const retried = await h.send([[QueuedDeployStarted, started]]);
    await h.send([[BranchResolved, story.resolved()]]);

    // Assess
    expect([first.batchItemFailures, retried.batchItemFailures]).toEqual([[], []]);
    const starting = deliveredWith(entryId);
    expect(starting).toHaveLength(1);
    expect(starting[0]).toMatchObject({
      kind: 'response_url',
      path: new URL(press.responseUrl ?? '').pathname,
    });
    expect(starting[0]?.body).toMatchObject({ replace_original: false });
    expect(String(starting[0]?.body.text)).toContain('is starting: a slot freed up');
    const following = deliveredWith(story.deployId).filter((c) => !JSON.stringify(c.body).includes(entryId));
    expect(following.map((c) => [...String(c.body.text)][0])).toEqual(['🔎']);
  });

  it('posts the end of a queued request once, with its reason, however often it is delivered', async () => {
    // Prepare
    const entryId = newId();
    const ended = detailOf(QueuedDeployEnded, {
      entryId,
      replyTo: replyTo(),
      reason: 'cancelled_by_admin',
      cancelledBy: 'U0ADMIN01',
      endedAt: new Date().toISOString(),
    });

    // Act
    await h.send([[QueuedDeployEnded, ended]]);
    const again = await h.send([[QueuedDeployEnded, ended]]);

    // Assess
    expect(again.batchItemFailures).toEqual([]);
    const posted = deliveredWith(entryId);
    expect(posted).toHaveLength(1);
    expect(String(posted[0]?.body.text)).toContain('by <@U0ADMIN01> (terminate all)');
  });

  it('tells the owner by the bot once the press is older than its response_url lives', async () => {
    // Prepare: the wait outlasted the 30 minutes Slack gives a response_url
    const entryId = newId();
    const press = replyTo({ issuedAt: new Date(Date.now() - 61 * 60_000).toISOString() });
    const ended = detailOf(QueuedDeployEnded, { entryId, replyTo: press, reason: 'expired' });

    // Act
    const result = await h.send([[QueuedDeployEnded, ended]]);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(deliveredWith(entryId)).toEqual([
      expect.objectContaining({ kind: 'chat.postMessage', channel: press.userId }),
    ]);
  });
});
