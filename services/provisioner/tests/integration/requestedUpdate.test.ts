import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import { newId } from '@branch-envs/shared/ids';
import { uniqueName } from '../../../../tests/helpers/aws';
import { checkUpdate } from '../../src/domain/update/checkUpdate';
import { handleUpdateRequested, MAX_UPDATE_REQUEST_AGE_SECONDS } from '../../src/domain/update/requestUpdate';
import type { UpdateInputDocument } from '../../src/domain/update/updateInput';
import { appServer } from '../helpers/appServer';
import {
  type MotoPlatform,
  motoClients,
  motoPlatform,
  type TappedEvent,
  waitForEvent,
} from '../helpers/motoStack';
import { updateWorld } from '../helpers/updateWorld';

/*
 * `/deploy update` against moto (ADR 0029): the UpdateRequested the `update` function consumes,
 * with real HeadObject, conditional writes, SendCommand and the bus. moto runs no command; its
 * invocations succeed at once, so a check ends the update.
 */
const clients = motoClients();
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

const inputOf = (command: { Parameters?: Record<string, string[]> } | undefined): UpdateInputDocument =>
  JSON.parse(Buffer.from(command?.Parameters?.UpdateInput?.[0] ?? '', 'base64url').toString('utf8'));

const requestFor = (record: DeploymentRecord, reseed: boolean, occurredAt = new Date()): UpdateRequested => {
  const eventId = newId();
  return UpdateRequested.detail.parse({
    metadata: {
      eventId,
      schemaVersion: 1,
      correlationId: record.deployId,
      causationId: eventId,
      occurredAt: occurredAt.toISOString(),
      producer: 'branch-envs.slack-ingress',
    },
    data: {
      requestId: newId(),
      deployId: record.deployId,
      branch: record.branch,
      reseed,
      requestedBy: record.owner,
      replyTo: record.replyTo,
    },
  });
};

const refusalOf = (deployId: string) => (event: TappedEvent) =>
  event['detail-type'] === 'UpdateRefused' && event.detail.data.deployId === deployId;

describe('/deploy update on moto', () => {
  let platform: MotoPlatform;
  let app: Awaited<ReturnType<typeof appServer>>;
  let world: Awaited<ReturnType<typeof updateWorld>>;

  beforeAll(async () => {
    platform = await motoPlatform(clients);
    app = await appServer();
    world = await updateWorld(clients, platform, app.template);
  }, 60_000);
  afterAll(() => app.close());

  /** A READY environment running build A of a new branch, opted out of automatic updates. */
  const environment = async (overrides: Partial<DeploymentRecord> = {}) => {
    const branch = uniqueName('asked');
    await world.upload(branch, SHA_A);
    const current = await world.deps.ports.builds.current(branch);
    if (current.kind !== 'complete') throw new Error(current.why);
    const record = await world.readyEnvironment(
      branch,
      current.build,
      (id) => app.template.replace('{instanceId}', id),
      { follow: false, ...overrides },
    );
    app.status.set(record.instanceId ?? '', 200);
    return record;
  };

  const newBuild = async (record: DeploymentRecord) => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // S3 dates objects to the second
    await world.upload(record.branch ?? '', SHA_B);
  };

  it('updates an environment that does not follow builds, re-seeding when asked, and the history says who asked', async () => {
    // Prepare
    const env = await environment();
    await newBuild(env);

    // Act
    const outcome = await handleUpdateRequested(requestFor(env, true), world.deps);
    const sent = await world.deps.ports.store.get(env.deployId);
    const deadline = new Date(Date.now() + 60_000).toISOString();
    await checkUpdate(
      { kind: 'update-check', deployId: env.deployId, sequence: 1, attempt: 1, deadline },
      world.deps,
    );

    // Assess
    const [command] = await world.commandsOn(env.instanceId ?? '');
    const updated = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceUpdated' && e.detail.data.deployId === env.deployId,
    );
    expect(outcome).toBe('started');
    expect(inputOf(command)).toMatchObject({ headSha: SHA_B, reseed: true, deployId: env.deployId });
    expect(sent?.history.find((h) => h.step === 'update started')?.note).toBe(
      `bbbbbbb, requested by ${env.owner.userName}, re-seeding the database`,
    );
    expect(updated?.detail.data).toMatchObject({ headSha: SHA_B, reseeded: true, previousHeadSha: SHA_A });
    expect((await world.deps.ports.store.get(env.deployId))?.build?.headSha).toBe(SHA_B);
  });

  it('starts nothing more when the same request is delivered again while its update runs', async () => {
    // Prepare
    const env = await environment();
    await newBuild(env);
    const request = requestFor(env, false);
    await handleUpdateRequested(request, world.deps);

    // Act
    const again = await handleUpdateRequested(request, world.deps);

    // Assess
    expect(again).toBe('started');
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(1);
    expect((await world.deps.ports.store.get(env.deployId))?.updates).toBe(1);
  });

  it('refuses with UpdateRefused naming the SHA it runs when there is no newer build', async () => {
    // Prepare
    const env = await environment();

    // Act
    const outcome = await handleUpdateRequested(requestFor(env, false), world.deps);

    // Assess
    const refused = await waitForEvent(clients.sqs, platform.tapQueue, refusalOf(env.deployId));
    expect(outcome).toBe('refused');
    expect(refused?.detail.data).toMatchObject({
      code: 'no_newer_build',
      runningHeadSha: SHA_A,
      message: expect.stringContaining(
        `${env.branch} already runs aaaaaaa, the newest build of its branch (built `,
      ),
    });
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(0);
  });

  it('says the database was not re-seeded when --reseed finds no newer build', async () => {
    // Prepare
    const env = await environment();

    // Act
    await handleUpdateRequested(requestFor(env, true), world.deps);

    // Assess
    const refused = await waitForEvent(clients.sqs, platform.tapQueue, refusalOf(env.deployId));
    expect(refused?.detail.data.message).toMatch(
      /already runs aaaaaaa, .* The database was not re-seeded: --reseed comes with a newer build\.$/,
    );
    expect((await world.deps.ports.store.get(env.deployId))?.update).toBeUndefined();
  });

  it('refuses an environment that is no longer ready', async () => {
    // Prepare
    const env = await environment({ status: 'TERMINATED' });

    // Act
    const outcome = await handleUpdateRequested(requestFor(env, false), world.deps);

    // Assess
    const refused = await waitForEvent(clients.sqs, platform.tapQueue, refusalOf(env.deployId));
    expect(outcome).toBe('refused');
    expect(refused?.detail.data).toMatchObject({
      code: 'not_ready',
      message: expect.stringContaining('is terminated'),
    });
  });

  it('does nothing for a request past its age limit, as an archive replay delivers it', async () => {
    // Prepare
    const env = await environment();
    await newBuild(env);
    const old = new Date(Date.now() - (MAX_UPDATE_REQUEST_AGE_SECONDS + 60) * 1000);

    // Act
    const outcome = await handleUpdateRequested(requestFor(env, false, old), world.deps);

    // Assess
    expect(outcome).toBe('expired');
    expect(await world.commandsOn(env.instanceId ?? '')).toHaveLength(0);
    expect((await world.deps.ports.store.get(env.deployId))?.update).toBeUndefined();
  });
});
