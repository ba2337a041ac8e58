import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { queueRoutedFrom, uniqueName } from '../../../../tests/helpers/aws';
import { checkUpdate } from '../../src/domain/update/checkUpdate';
import { followBranch } from '../../src/domain/update/offerBuild';
import { ObjectCreatedEvent } from '../../src/domain/update/updateMessages';
import { appServer } from '../helpers/appServer';
import {
  type MotoPlatform,
  motoClients,
  motoPlatform,
  receive,
  type TappedEvent,
  waitForEvent,
} from '../helpers/motoStack';
import { updateWorld } from '../helpers/updateWorld';

/*
 * Updates in place against moto (ADR 0021): real HeadObject, conditional writes, SendCommand and
 * GetCommandInvocation. moto runs no command: its invocations report Success with exit 0 at once,
 * so the instance's side is the script's own test; here the provisioner's side is under test.
 */
const clients = motoClients();
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_C = 'c'.repeat(40);

const isEvent = (type: string, deployId: string, sequence: number) => (event: TappedEvent) =>
  event['detail-type'] === type &&
  event.detail.data.deployId === deployId &&
  event.detail.data.sequence === sequence;

describe('updates in place on moto', () => {
  let platform: MotoPlatform;
  let app: Awaited<ReturnType<typeof appServer>>;
  let world: Awaited<ReturnType<typeof updateWorld>>;

  beforeAll(async () => {
    platform = await motoPlatform(clients);
    app = await appServer();
    world = await updateWorld(clients, platform, app.template);
  }, 60_000);
  afterAll(() => app.close());

  const environment = async (branch: string) => {
    await world.upload(branch, SHA_A);
    const current = await world.deps.ports.builds.current(branch);
    if (current.kind !== 'complete') throw new Error(current.why);
    const record = await world.readyEnvironment(branch, current.build, (id) =>
      app.template.replace('{instanceId}', id),
    );
    app.status.set(record.instanceId ?? '', 200);
    return record;
  };

  it('sends one update command when five deliveries of a newer build race, and records it on the environment', async () => {
    // Prepare
    const branch = uniqueName('race');
    const env = await environment(branch);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // S3 dates objects to the second
    await world.upload(branch, SHA_B);

    // Act
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => followBranch(branch, world.deps)));

    // Assess
    const record = await world.deps.ports.store.get(env.deployId);
    expect(outcomes.flat().filter((o) => o.outcome === 'started')).toHaveLength(1);
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(1);
    expect(record?.update).toMatchObject({ sequence: 1, build: { headSha: SHA_B } });
    expect(record?.update?.commandId).toEqual(expect.any(String));
  });

  it('applies a build that lands mid-update after it, and publishes InstanceUpdated for each', async () => {
    // Prepare
    const branch = uniqueName('queued');
    const env = await environment(branch);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await world.upload(branch, SHA_B);
    await followBranch(branch, world.deps);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await world.upload(branch, SHA_C);
    const queued = await followBranch(branch, world.deps);
    const deadline = new Date(Date.now() + 60_000).toISOString();

    // Act
    await checkUpdate(
      { kind: 'update-check', deployId: env.deployId, sequence: 1, attempt: 1, deadline },
      world.deps,
    );
    const afterFirst = await world.deps.ports.store.get(env.deployId);
    await checkUpdate(
      { kind: 'update-check', deployId: env.deployId, sequence: 2, attempt: 1, deadline },
      world.deps,
    );

    // Assess
    const final = await world.deps.ports.store.get(env.deployId);
    const updated = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      isEvent('InstanceUpdated', env.deployId, 2),
    );
    expect(queued).toEqual([{ deployId: env.deployId, outcome: 'deferred' }]);
    expect(afterFirst?.build?.headSha).toBe(SHA_B);
    expect(afterFirst?.update).toMatchObject({ sequence: 2, build: { headSha: SHA_C } });
    expect(final?.build?.headSha).toBe(SHA_C);
    expect(final?.update).toBeUndefined();
    expect(final?.history.map((h) => h.step)).toEqual(
      expect.arrayContaining(['update started', 'update queued', 'updated']),
    );
    expect(updated?.detail.data).toMatchObject({
      instanceId: env.instanceId,
      headSha: SHA_C,
      previousHeadSha: SHA_B,
    });
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(2);
  });

  it('starts nothing while only part of a new build has landed (the jar new, the rest old)', async () => {
    // Prepare
    const branch = uniqueName('partial');
    const env = await environment(branch);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await world.upload(branch, SHA_B, 'jar');

    // Act
    const outcomes = await followBranch(branch, world.deps);

    // Assess
    expect(outcomes).toEqual([]);
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(0);
  });

  it('reports the environment down when the command succeeded but the app does not answer, and keeps the old build on record', async () => {
    // Prepare
    const branch = uniqueName('down');
    const env = await environment(branch);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await world.upload(branch, SHA_B);
    await followBranch(branch, world.deps);
    app.status.set(env.instanceId ?? '', 503);
    const deadline = new Date(Date.now() + 60_000).toISOString();

    // Act
    await checkUpdate(
      { kind: 'update-check', deployId: env.deployId, sequence: 1, attempt: 1, deadline },
      world.deps,
    );

    // Assess
    const failed = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      isEvent('UpdateFailed', env.deployId, 1),
    );
    const record = await world.deps.ports.store.get(env.deployId);
    expect(failed?.detail.data).toMatchObject({
      reason: 'environment_down',
      oldBuildRunning: false,
      headSha: SHA_B,
    });
    expect(record?.build?.headSha).toBe(SHA_A);
    expect(record?.update).toBeUndefined();
  });

  it('bug: a repeated upload notification re-applied a build that had just failed (restart, crash, rollback again) — it is not offered again', async () => {
    // Prepare: an update to SHA_B that fails.
    const branch = uniqueName('failed-again');
    const env = await environment(branch);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await world.upload(branch, SHA_B);
    await followBranch(branch, world.deps);
    app.status.set(env.instanceId ?? '', 503);
    const deadline = new Date(Date.now() + 60_000).toISOString();
    await checkUpdate(
      { kind: 'update-check', deployId: env.deployId, sequence: 1, attempt: 1, deadline },
      world.deps,
    );
    app.status.set(env.instanceId ?? '', 200);

    // Act: the same notification arrives again.
    const outcomes = await followBranch(branch, world.deps);

    // Assess
    expect(outcomes).toEqual([{ deployId: env.deployId, outcome: 'failed_before' }]);
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(1);
    expect((await world.deps.ports.store.get(env.deployId))?.failedBuild?.headSha).toBe(SHA_B);
  });

  it('delivers an artifact upload as S3 "Object Created" that the provisioner’s parser reads, on a rule shaped like the stack’s', async () => {
    // Prepare: the platform's forwarding rule and the provisioner's rule, as the stacks declare them.
    // moto hands S3 events to the rules of every bus, not only the default one as AWS does, so this
    // proves the event's shape and the patterns, not the forwarding hop.
    const stageBus = uniqueName('stage-bus');
    await clients.eventBridge.send(new CreateEventBusCommand({ Name: stageBus }));
    const forward = uniqueName('forward');
    const pattern = {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [world.bucket] }, object: { key: [{ prefix: 'build-artifacts/' }] } },
    };
    await clients.eventBridge.send(
      new PutRuleCommand({ Name: forward, EventBusName: 'default', EventPattern: JSON.stringify(pattern) }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({
        Rule: forward,
        EventBusName: 'default',
        Targets: [{ Id: 'bus', Arn: `arn:aws:events:eu-north-1:123456789012:event-bus/${stageBus}` }],
      }),
    );
    const queue = await queueRoutedFrom(clients, stageBus, pattern);
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: world.bucket,
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );

    // Act
    await clients.s3.send(
      new PutObjectCommand({ Bucket: world.bucket, Key: 'build-artifacts/shop-notified.jar', Body: 'jar' }),
    );

    // Assess
    const messages = await receive(clients.sqs, queue, 5);
    const parsed = messages.map((m) => ObjectCreatedEvent.safeParse(JSON.parse(m.Body ?? '{}')));
    expect(
      parsed.some((p) => p.success && p.data.detail.object.key === 'build-artifacts/shop-notified.jar'),
    ).toBe(true);
  });
});
