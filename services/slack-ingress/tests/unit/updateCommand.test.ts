/**
 * `/deploy update <id|branch> [--reseed]` (ADR 0029): who may ask, what ingress refuses at once, and
 * the UpdateRequested it publishes for the provisioner's `update` function.
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import {
  ADMIN,
  DEPLOY_ID,
  deploymentItem,
  OTHER_DEPLOY_ID,
  OTHER_USER,
  RESPONSE_URL,
  replyOf,
  STRANGER,
  slashEvent,
  USER,
} from '../helpers/factories';
import { awsMocks, ingressHarness } from '../helpers/harness';

const mocks = awsMocks();
beforeEach(() => mocks.reset());

const BRANCH = 'feature/ABC-123-login-page';
const RUNNING_SHA = 'abc1234'.padEnd(40, 'e');
const build = (headSha: string) => ({
  headSha,
  artifacts: [
    { key: `build-artifacts/shop-${BRANCH}.jar`, lastModified: '2026-11-26T08:40:00.000Z', sizeBytes: 10 },
  ],
  builtAt: '2026-11-26T08:40:00.000Z',
});

/** An update to RUNNING_SHA, as the provisioner records it while it runs. */
const runningUpdate = {
  id: OTHER_DEPLOY_ID,
  build: build(RUNNING_SHA),
  sequence: 1,
  reseed: false,
  startedAt: '2026-11-26T09:10:00.000Z',
};

const entries = (): PutEventsRequestEntry[] =>
  mocks.eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
const published = () => entries().map((e) => UpdateRequested.detail.parse(JSON.parse(e.Detail ?? 'null')));

const withRecord = (record: DeploymentRecord) => mocks.dynamo.on(GetCommand).resolves({ Item: record });
const update = async (text: string, user = USER) => {
  const { invoke } = ingressHarness();
  return replyOf(await invoke(slashEvent('/deploy', `update ${text}`, { user_id: user })))?.text ?? '';
};

describe('/deploy update', () => {
  it('publishes UpdateRequested for the owner, correlated to the deployment, and says which build runs now', async () => {
    // Prepare
    withRecord(deploymentItem({ build: build(RUNNING_SHA) }));

    // Act
    const reply = await update(DEPLOY_ID);

    // Assess
    const [detail] = published();
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatchObject({
      Source: 'branch-envs.slack-ingress',
      DetailType: 'UpdateRequested',
    });
    expect(detail?.data).toMatchObject({
      deployId: DEPLOY_ID,
      branch: BRANCH,
      reseed: false,
      requestedBy: { userId: USER, userName: 'maija' },
      replyTo: { userId: USER, responseUrl: RESPONSE_URL },
    });
    expect(detail?.metadata.correlationId).toBe(DEPLOY_ID);
    expect(reply).toContain(`Updating deploy \`${DEPLOY_ID}\` (\`${BRANCH}\`) in place to the newest build`);
    expect(reply).toContain('(it runs `abc1234` now)');
    expect(reply).toContain(`request \`${detail?.data.requestId}\``);
    expect(reply).not.toContain('re-seeded');
  });

  it('carries --reseed and warns that the data is lost', async () => {
    // Prepare
    mocks.dynamo.on(QueryCommand).resolves({ Items: [deploymentItem()] });

    // Act
    const reply = await update(`${BRANCH} --reseed`);

    // Assess
    expect(published()[0]?.data).toMatchObject({ deployId: DEPLOY_ID, reseed: true });
    expect(reply).toContain('Its database will be re-seeded from the dump: the data in it now is lost.');
  });

  it("lets an admin update someone else's environment", async () => {
    // Prepare
    withRecord(deploymentItem({ owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' } }));

    // Act
    await update(DEPLOY_ID, ADMIN);

    // Assess
    expect(published()[0]?.data.requestedBy.userId).toBe(ADMIN);
  });

  it("refuses someone else's environment to a user who is not an admin, naming the owner", async () => {
    // Prepare
    withRecord(deploymentItem({ owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' } }));

    // Act
    const reply = await update(DEPLOY_ID);

    // Assess
    expect(reply).toBe(
      `:no_entry: That environment belongs to <@${OTHER_USER}>. Only its owner or an admin can update it.`,
    );
    expect(entries()).toHaveLength(0);
  });

  it('refuses a user on no list without reading the table', async () => {
    // Act
    const reply = await update(DEPLOY_ID, STRANGER);

    // Assess
    expect(reply).toContain('You are not allowed to use branch-envs yet');
    expect(mocks.dynamo.calls()).toHaveLength(0);
    expect(entries()).toHaveLength(0);
  });

  it.each<[string, () => void, string, RegExp]>([
    ['an unknown deploy id', () => undefined, DEPLOY_ID, /I can't find deploy `01KB0W8J6QF3ZC9D2M4N5P7R8S`/],
    ['a branch with nothing running', () => undefined, BRANCH, /Nothing is running for branch/],
    [
      'an environment that ended',
      () => withRecord(deploymentItem({ status: 'TERMINATED' })),
      DEPLOY_ID,
      /is already terminated; there is nothing to change/,
    ],
    [
      'an environment still launching',
      () => withRecord(deploymentItem({ status: 'RUNNING' })),
      DEPLOY_ID,
      /is still launching \(running\); it can be updated once it is ready/,
    ],
    [
      'an environment that failed to start',
      () => withRecord(deploymentItem({ status: 'FAILED' })),
      DEPLOY_ID,
      /failed to start, so there is nothing to update; deploy the branch again instead/,
    ],
    [
      'a branch with two environments of yours',
      () =>
        mocks.dynamo
          .on(QueryCommand)
          .resolves({ Items: [deploymentItem(), deploymentItem({ deployId: OTHER_DEPLOY_ID })] }),
      BRANCH,
      /has 2 environments you may update: `01KB0W8J6QF3ZC9D2M4N5P7R8S`, `01KB0W8J6QF3ZC9D2M4N5P7R9T`. Say which one: `\/deploy update <id>`/,
    ],
    [
      '--reseed while an update runs',
      () =>
        withRecord(
          deploymentItem({
            update: runningUpdate,
          }),
        ),
      `${DEPLOY_ID} --reseed`,
      /An update of deploy .* to `abc1234` is running. Ask for `--reseed` again once it has ended./,
    ],
  ])('answers %s without publishing', async (_case, prepare, text, reply) => {
    // Prepare
    prepare();

    // Act
    const answer = await update(text);

    // Assess
    expect(answer).toMatch(reply);
    expect(entries()).toHaveLength(0);
  });

  it('publishes while an update runs and says the request follows after it', async () => {
    // Prepare
    withRecord(
      deploymentItem({
        build: build('0'.repeat(40)),
        update: runningUpdate,
      }),
    );

    // Act
    const reply = await update(DEPLOY_ID);

    // Assess
    expect(entries()).toHaveLength(1);
    expect(reply).toContain(
      'An update to `abc1234` is running; yours follows after it, with the newest build then.',
    );
  });

  it('answers a mistake with the problem and the usage, which lists update', async () => {
    // Act
    const { invoke } = ingressHarness();
    const result = replyOf(await invoke(slashEvent('/deploy', 'update login --fresh')));

    // Assess
    expect(result?.text).toContain("I don't know the option `--fresh` for `update`");
    expect(JSON.stringify(result?.blocks)).toContain('update <id|branch> [--reseed]');
    expect(entries()).toHaveLength(0);
  });
});
