import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { caughtMessages } from '../../local/src/cli/localCommands';
import { uploadBuild } from '../../local/src/cli/uploadBuild';
import { drainingTap } from './helpers/busTap';
import { githubDeployments } from './helpers/githubDeployments';
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * `/deploy update <id|branch> [--reseed]` on the local stack (issue 18, ADR 0029): an environment
 * deployed with `--no-follow` keeps its build when a new one lands, and updates in place on request
 * (same instance, the message and the history name the new SHA and who asked); asking again with
 * nothing newer is answered with the SHA it runs; `--reseed` re-seeds the simulator's database; the
 * same requests delivered again change nothing more.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;
let tap: Awaited<ReturnType<typeof drainingTap>>;
const BRANCH = 'demo-ready';
const NEW_SHA = 'abc1234'.padEnd(40, 'e');
const RESEED_SHA = 'def5678'.padEnd(40, 'd');

const health = async (url: string) => {
  const response = await fetch(new URL('health', url));
  return (await response.json()) as { headSha: string | null; reseeds: number };
};

const recordOf = async (deployId: string) => {
  const documents = DynamoDBDocumentClient.from(t.stack.clients.dynamodb);
  const out = await documents.send(
    new GetCommand({ TableName: t.stack.endpoints.deploymentsTable, Key: { deployId } }),
  );
  return out.Item;
};

const caughtText = async (): Promise<string> => JSON.stringify(await caughtMessages(t.stack.endpoints));

const ackText = (result: { ack: { payload: unknown } }): string =>
  String((result.ack.payload as { text?: string } | undefined)?.text ?? '');

describeIfAll('/deploy update on the local stack', () => {
  let deployId = '';
  let instanceId = '';
  let url = '';
  let launchedSha = '';

  beforeAll(async () => {
    t = await startTestStack();
    tap = await drainingTap(t, 'e2e-update-command-tap');
    await t.slash(`/deploy ${BRANCH} --no-follow`, { timeoutMs: 60_000 });
    const ready = await tap.waitFor('InstanceReady', (e) => e.data.branch === BRANCH, 90_000);
    deployId = ready.correlationId;
    instanceId = String(ready.data.instanceId);
    url = String(ready.data.url);
    launchedSha = (await health(url)).headSha ?? '';
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('keeps a --no-follow environment on its build when a new one lands, then updates it in place on request', async () => {
    // Prepare: a new build; the environment does not follow it.
    const before = (await health(url)).headSha;
    await uploadBuild(t.stack.endpoints, BRANCH, { sha: NEW_SHA });
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect((await health(url)).headSha).toBe(before);
    expect(t.stack.runCommand.invocations()).toHaveLength(0);

    // Act
    const asked = await t.slash(`/deploy update ${BRANCH}`, { follow: false });
    const updated = await tap.waitFor('InstanceUpdated', (e) => e.correlationId === deployId);

    // Assess
    expect(ackText(asked)).toContain(`Updating deploy \`${deployId}\` (\`${BRANCH}\`) in place`);
    expect(updated.data).toMatchObject({ instanceId, headSha: NEW_SHA, reseeded: false });
    expect((await health(url)).headSha).toBe(NEW_SHA);
    const record = await recordOf(deployId);
    expect(record).toMatchObject({ status: 'READY', instanceId, build: { headSha: NEW_SHA } });
    expect(JSON.stringify(record?.history)).toMatch(
      /"update started","at":"[^"]+","note":"abc1234, requested by /,
    );
    await waitUntil(
      t,
      'the updated message',
      async () => ((await caughtText()).includes('Updated to `abc1234`, built') ? true : undefined),
      20_000,
    );
    expect(await githubDeployments(t, `preview/${BRANCH}`)).toEqual(
      expect.arrayContaining([
        { sha: NEW_SHA, state: 'success' },
        { sha: launchedSha, state: 'inactive' },
      ]),
    );
  });

  it('answers a request with nothing newer with the SHA the environment runs, and runs nothing', async () => {
    // Prepare
    const before = t.stack.runCommand.invocations().length;

    // Act
    await t.slash(`/deploy update ${deployId}`, { follow: false });
    const refused = await tap.waitFor('UpdateRefused', (e) => e.correlationId === deployId);

    // Assess
    expect(refused.data).toMatchObject({ code: 'no_newer_build', runningHeadSha: NEW_SHA });
    await waitUntil(
      t,
      'the refusal',
      async () =>
        (await caughtText()).includes(
          `No update: ${BRANCH} already runs abc1234, the newest build of its branch`,
        )
          ? true
          : undefined,
      20_000,
    );
    expect(t.stack.runCommand.invocations()).toHaveLength(before);
  });

  it('re-seeds the database with --reseed, and the message says so', async () => {
    // Prepare
    const reseedsBefore = (await health(url)).reseeds;
    await uploadBuild(t.stack.endpoints, BRANCH, { sha: RESEED_SHA });

    // Act
    const asked = await t.slash(`/deploy update ${deployId} --reseed`, { follow: false });
    const updated = await tap.waitFor(
      'InstanceUpdated',
      (e) => e.correlationId === deployId && e.data.headSha === RESEED_SHA,
    );

    // Assess
    expect(ackText(asked)).toContain('Its database will be re-seeded from the dump');
    expect(updated.data).toMatchObject({ instanceId, reseeded: true });
    expect(await health(url)).toMatchObject({ headSha: RESEED_SHA, reseeds: reseedsBefore + 1 });
    await waitUntil(
      t,
      'the re-seeded message',
      async () =>
        (await caughtText()).includes('The database was re-seeded from its dump.') ? true : undefined,
      20_000,
    );
  });

  it('changes nothing more when the update requests are delivered again', async () => {
    // Prepare: the UpdateRequested events as the bus carried them, put on it once more.
    await tap.drain();
    const requests = tap.tapped.filter((e) => e.detailType === 'UpdateRequested');
    const invocations = t.stack.runCommand.invocations().length;
    const outcomes = () =>
      tap.tapped.filter((e) => ['InstanceUpdated', 'UpdateFailed', 'UpdateRefused'].includes(e.detailType))
        .length;
    const outcomesBefore = outcomes();

    // Act
    await t.stack.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: requests.map((e) => ({
          EventBusName: 'branch-envs-local-bus',
          Source: 'branch-envs.slack-ingress',
          DetailType: 'UpdateRequested',
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await tap.drain();

    // Assess
    expect(requests).toHaveLength(3);
    expect(t.stack.runCommand.invocations()).toHaveLength(invocations);
    expect(outcomes()).toBe(outcomesBefore);
    expect((await recordOf(deployId))?.updates).toBe(2);
  });
});
