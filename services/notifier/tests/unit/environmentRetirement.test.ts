import { notify } from '../../src/domain/notify';
import { type NotifierEvent, planFor } from '../../src/domain/plan';
import type { NotifierPorts } from '../../src/domain/ports';
import { deploymentStory, silentLogger } from '../helpers/factories';
import { fakePorts, recordingGithub, recordingSlack } from '../helpers/fakePorts';

type Story = ReturnType<typeof deploymentStory>;

const events = (story: Story) =>
  [
    { detailType: 'BranchResolved', detail: story.resolved({}) },
    { detailType: 'InstanceReady', detail: story.ready({}) },
    { detailType: 'InstanceTerminated', detail: story.terminated({}) },
  ] as NotifierEvent[];

const run = (event: NotifierEvent, ports: NotifierPorts) =>
  notify(planFor(event, { now: new Date(), nightly: ports.nightly }), ports, {
    eventId: event.detail.metadata.eventId,
    logger: silentLogger(),
    remainingMs: () => 25_000,
  });

describe('the preview environment after a termination', () => {
  it('is deleted once the deployment is inactive and no other one in it is active', async () => {
    // Prepare
    const github = recordingGithub();
    const ports = fakePorts({ github: github.github });

    // Act
    for (const event of events(deploymentStory())) await run(event, ports);

    // Assess
    expect(github.statuses.at(-1)?.status.state).toBe('inactive');
    expect(github.deleted).toEqual(['preview/feature/ABC-123-login-page']);
  });

  it('is kept while a --fresh deployment of the same branch is still ready', async () => {
    // Prepare
    const github = recordingGithub();
    const ports = fakePorts({ github: github.github });
    const [resolved, ready, terminated] = events(deploymentStory());
    const [freshResolved, freshReady] = events(deploymentStory());
    for (const event of [resolved, ready, freshResolved, freshReady]) if (event) await run(event, ports);

    // Act
    if (terminated) await run(terminated, ports);

    // Assess
    expect(github.statuses.map((s) => [s.id, s.status.state])).toContainEqual([1001, 'inactive']);
    expect(github.deleted).toEqual([]);
  });

  it('is left, and the Slack message still goes out, when the token lacks Administration: write', async () => {
    // Prepare
    const slack = recordingSlack();
    const github = recordingGithub({ environmentAdmin: false });
    const ports = fakePorts({ slack: slack.slack, github: github.github });

    // Act
    for (const event of events(deploymentStory())) await run(event, ports);

    // Assess
    expect(github.deleted).toEqual([]);
    expect(slack.calls).toHaveLength(3);
  });
});
