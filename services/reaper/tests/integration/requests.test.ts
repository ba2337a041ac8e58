import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { newId } from '@branch-envs/shared/ids';
import { lambdaContext, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { createRequestsHandler } from '../../src/handlers/createRequestsHandler';
import { createSweepHandler } from '../../src/handlers/createScheduledHandlers';
import {
  ADMIN,
  epoch,
  extendRequested,
  OTHER,
  OWNER,
  recordFor,
  terminateRequested,
} from '../helpers/factories';
import { createWorld, type World } from '../helpers/world';

/** Reaper suites that launch instances share this region, which reconciliation tests never list. */
const REGION = 'eu-west-3';
const MANAGED = { Key: 'ManagedBy', Value: 'branch-envs' };

const stateOf = async (world: World, instanceId: string) =>
  (await world.instances([{ Name: 'instance-id', Values: [instanceId] }]))[0]?.State?.Name;

describe('terminate and extend requests through the queue consumer (moto)', () => {
  let world: World;
  let consume: ReturnType<typeof createRequestsHandler>;

  /** A READY deployment with a real tagged instance in moto. */
  const liveDeployment = async (overrides: Partial<DeploymentRecord> = {}): Promise<DeploymentRecord> => {
    const record = recordFor(overrides);
    const [instanceId = ''] = await world.launch(1, [MANAGED, { Key: 'DeployId', Value: record.deployId }]);
    const withInstance = { ...record, instanceId };
    await world.seed([withInstance]);
    return withInstance;
  };

  const deliver = (detailType: string, detail: unknown) =>
    consume(sqsEvent(sqsRecordFor(detailType, detail)), lambdaContext('requests'));

  /** What the reaper published because of one incoming event. */
  const causedBy = (eventId: string) =>
    world.published.filter((p) => p.detail.metadata.causationId === eventId);

  beforeAll(async () => {
    world = await createWorld({ region: REGION });
    consume = createRequestsHandler(world.rt);
  }, 60_000);

  it('refuses /terminate of someone else’s environment, while an admin’s succeeds', async () => {
    // Prepare
    const deployment = await liveDeployment();
    const byOther = terminateRequested({ kind: 'deploy', deployId: deployment.deployId }, OTHER);
    const byAdmin = terminateRequested({ kind: 'deploy', deployId: deployment.deployId }, ADMIN);

    // Act
    const refused = await deliver(TerminateRequested.detailType, byOther);
    const stateAfterRefusal = await stateOf(world, deployment.instanceId ?? '');
    const accepted = await deliver(TerminateRequested.detailType, byAdmin);

    // Assess
    expect(refused.batchItemFailures).toEqual([]);
    expect(accepted.batchItemFailures).toEqual([]);
    expect(stateAfterRefusal).toBe('running');
    const refusal = world.published.find(
      (p) => p.detailType === 'RequestRefused' && p.detail.data.requestId === byOther.data.requestId,
    );
    expect(refusal?.detail.data).toMatchObject({ code: 'not_owner', deployId: deployment.deployId });
    expect(refusal?.detail.metadata.causationId).toBe(byOther.metadata.eventId);
    const [terminated] = causedBy(byAdmin.metadata.eventId);
    expect(terminated?.detail.data).toMatchObject({
      reason: 'admin',
      terminatedBy: ADMIN.userId,
      instanceId: deployment.instanceId,
    });
    expect((await world.item(deployment.deployId))?.status).toBe('TERMINATED');
    expect(['shutting-down', 'terminated']).toContain(await stateOf(world, deployment.instanceId ?? ''));
  });

  it('makes no change when a TerminateRequested is replayed from the archive', async () => {
    // Prepare
    const deployment = await liveDeployment();
    const request = terminateRequested({ kind: 'deploy', deployId: deployment.deployId }, OWNER);
    await deliver(TerminateRequested.detailType, request);
    const recordAfterFirst = await world.item(deployment.deployId);
    const eventsAfterFirst = world.published.length;

    // Act: the same event again, as a replay delivers it (new SQS message, same metadata.eventId).
    const replay = sqsRecordFor(TerminateRequested.detailType, request);
    const body = { ...JSON.parse(replay.body), 'replay-name': 'after-the-outage' };
    const result = await consume(
      sqsEvent({ ...replay, body: JSON.stringify(body) }),
      lambdaContext('requests'),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await world.item(deployment.deployId)).toEqual(recordAfterFirst);
    expect(world.published.length).toBe(eventsAfterFirst);
    expect(causedBy(request.metadata.eventId).map((p) => p.detailType)).toEqual(['InstanceTerminated']);
  });

  it('leaves a tombstone when the deployment has no record yet', async () => {
    // Prepare
    const deployId = newId();

    // Act
    await deliver(TerminateRequested.detailType, terminateRequested({ kind: 'deploy', deployId }, OWNER));

    // Assess
    expect(await world.item(deployId)).toMatchObject({ kind: 'tombstone', status: 'TERMINATING' });
  });

  it('caps an extend at the maximum lifetime, says so, and resets the warning', async () => {
    // Prepare: warned already, created an hour ago, two-day cap.
    const now = new Date();
    const deployment = await liveDeployment({ expiresAt: epoch(now) + 600 });
    await world.rt.deps.deployments.markWarned(
      deployment.deployId,
      deployment.expiresAt,
      deployment.expiresAt,
    );
    const request = extendRequested(
      { kind: 'deploy', deployId: deployment.deployId },
      { kind: 'duration', seconds: 7 * 86_400 },
      OWNER,
    );

    // Act
    await deliver(ExtendRequested.detailType, request);

    // Assess
    const cap = epoch(new Date(deployment.createdAt)) + 2 * 86_400;
    const item = await world.item(deployment.deployId);
    expect(item).toMatchObject({ status: 'READY', expiresAt: cap });
    expect(item).not.toHaveProperty('expiryWarnedFor');
    const [extended] = causedBy(request.metadata.eventId);
    expect(extended?.detail.data).toMatchObject({
      deployId: deployment.deployId,
      expiresAt: cap,
      capped: true,
      keepOvernight: false,
    });
  });

  it('sends one expiry warning however many sweeps run, and a new one after an extend', async () => {
    // Prepare
    const deployment = await liveDeployment({ expiresAt: epoch(new Date()) + 300 });
    const warnings = () =>
      world.published.filter(
        (p) => p.detailType === 'InstanceExpiring' && p.detail.data.deployId === deployment.deployId,
      );

    // Act
    await createSweepHandler(world.rt)();
    await createSweepHandler(world.rt)();
    const afterTwoSweeps = warnings().length;
    await deliver(
      ExtendRequested.detailType,
      extendRequested(
        { kind: 'deploy', deployId: deployment.deployId },
        { kind: 'duration', seconds: 300 },
        OWNER,
      ),
    );
    await createSweepHandler(world.rt)();

    // Assess
    expect(afterTwoSweeps).toBe(1);
    expect(warnings().map((w) => w.detail.data.expiresAt)).toEqual([
      deployment.expiresAt,
      deployment.expiresAt + 300,
    ]);
  });
});
