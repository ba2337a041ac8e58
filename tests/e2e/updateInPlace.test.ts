import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { caughtMessages, deploymentStatus } from '../../local/src/cli/localCommands';
import { uploadBuild } from '../../local/src/cli/uploadBuild';
import { drainingTap } from './helpers/busTap';
import { githubDeployments } from './helpers/githubDeployments';
import { serviceExists, startTestStack, type TestStack, waitUntil } from './helpers/localStack';

/**
 * Issue 18 on the local stack: a new build uploaded for a live branch updates its environment in
 * place through Run Command (same instance, the history and the one message name the new SHA); a
 * build that never gets healthy is rolled back and the message says the old build still runs; a
 * repeated upload notification changes nothing more.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;
let tap: Awaited<ReturnType<typeof drainingTap>>;
const BRANCH = 'demo-ready';
const NEW_SHA = 'abc1234'.padEnd(40, 'e');
const BROKEN_SHA = 'bad0bad'.padEnd(40, 'f');

const health = async (url: string) => {
  const response = await fetch(new URL('health', url));
  return { status: response.status, body: (await response.json()) as { headSha: string | null } };
};

const recordOf = async (deployId: string) => {
  const documents = DynamoDBDocumentClient.from(t.stack.clients.dynamodb);
  const out = await documents.send(
    new GetCommand({ TableName: t.stack.endpoints.deploymentsTable, Key: { deployId } }),
  );
  return out.Item;
};

const messageOf = async (deployId: string): Promise<string> => {
  const messages = (await caughtMessages(t.stack.endpoints)).filter((m) => m.deployId === deployId);
  return JSON.stringify(messages.at(-1) ?? {});
};

describeIfAll('a new build updates a live environment in place, end to end on the local stack', () => {
  let deployId = '';
  let instanceId = '';
  let url = '';
  let launchedSha = '';

  beforeAll(async () => {
    t = await startTestStack();
    tap = await drainingTap(t, 'e2e-update-tap');
    await t.slash(`/deploy ${BRANCH}`, { timeoutMs: 60_000 });
    const ready = await tap.waitFor('InstanceReady', (e) => e.data.branch === BRANCH, 90_000);
    deployId = ready.correlationId;
    instanceId = String(ready.data.instanceId);
    url = String(ready.data.url);
    launchedSha = (await health(url)).body.headSha ?? '';
  }, 240_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('updates the same instance to the uploaded build, and the history and the message name its SHA', async () => {
    // Act
    const uploaded = await uploadBuild(t.stack.endpoints, BRANCH, { sha: NEW_SHA });
    const updated = await tap.waitFor('InstanceUpdated', (e) => e.correlationId === deployId);

    // Assess
    expect(updated.data).toMatchObject({ instanceId, headSha: NEW_SHA, reseeded: false });
    expect(Date.parse(String(updated.data.builtAt))).toBeLessThanOrEqual(uploaded.completedAt.getTime());
    expect(await health(url)).toEqual({ status: 200, body: expect.objectContaining({ headSha: NEW_SHA }) });
    const record = await recordOf(deployId);
    expect(record).toMatchObject({ status: 'READY', instanceId });
    expect(JSON.stringify(record?.history)).toContain('abc1234');
    await waitUntil(
      t,
      'the updated message',
      async () => ((await messageOf(deployId)).includes('Updated to `abc1234`, built') ? true : undefined),
      20_000,
    );
    expect((await deploymentStatus(t.stack.endpoints, deployId))?.status).toBe('READY');
    const deployments = await githubDeployments(t, `preview/${BRANCH}`);
    expect(deployments).toEqual(
      expect.arrayContaining([
        { sha: NEW_SHA, state: 'success' },
        { sha: launchedSha, state: 'inactive' },
      ]),
    );
  });

  it('rolls a build that never gets healthy back, and the message says the old build still runs', async () => {
    // Act
    await uploadBuild(t.stack.endpoints, BRANCH, { sha: BROKEN_SHA, broken: true });
    const failed = await tap.waitFor('UpdateFailed', (e) => e.correlationId === deployId);

    // Assess
    expect(failed.data).toMatchObject({
      instanceId,
      headSha: BROKEN_SHA,
      oldBuildRunning: true,
      reason: 'unhealthy_rolled_back',
    });
    expect(await health(url)).toEqual({ status: 200, body: expect.objectContaining({ headSha: NEW_SHA }) });
    await waitUntil(
      t,
      'the update-failed message',
      async () => {
        const text = await messageOf(deployId);
        return text.includes('The update to `bad0bad` failed; the previous build (`abc1234`) still runs.')
          ? true
          : undefined;
      },
      20_000,
    );
    expect(launchedSha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('changes nothing more when the upload notifications arrive again', async () => {
    // Prepare: S3's "Object Created" events as moto sent them, put on the default bus once more.
    const before = t.stack.runCommand.invocations().length;
    const keys = [
      'build-artifacts/shop-demo-ready.jar',
      'build-artifacts/shop-demo-ready-config.edn',
      'build-artifacts/shop-demo-ready-pgdump.gz',
    ];

    // Act
    await t.stack.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: keys.map((key) => ({
          Source: 'aws.s3',
          DetailType: 'Object Created',
          Resources: ['arn:aws:s3:::branch-envs-local-artifacts'],
          Detail: JSON.stringify({
            version: '0',
            bucket: { name: 'branch-envs-local-artifacts' },
            object: { key, size: 10 },
            reason: 'PutObject',
          }),
        })),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 8000));

    // Assess
    expect(t.stack.runCommand.invocations()).toHaveLength(before);
    await tap.drain();
    expect(
      tap.tapped.filter((e) => e.detailType === 'InstanceUpdated' || e.detailType === 'UpdateFailed'),
    ).toHaveLength(2);
  });
});
