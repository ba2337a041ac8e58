import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { createInterruptionsHandler } from '../../src/handlers/createInterruptionsHandler';
import { recordFor } from '../helpers/factories';
import { createWorld, type World } from '../helpers/world';

/** Reaper suites that launch instances share this region, which reconciliation tests never list. */
const REGION = 'eu-west-3';
const MANAGED = { Key: 'ManagedBy', Value: 'branch-envs' };

/**
 * The event as the Amazon EC2 User Guide documents it ("EC2 Spot Instance Interruption Warning"),
 * as the reaper's queue receives it: the whole event in the message body.
 */
const warningBody = (instanceId: string, action = 'terminate') =>
  JSON.stringify({
    version: '0',
    id: '12345678-1234-1234-1234-123456789012',
    'detail-type': 'EC2 Spot Instance Interruption Warning',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-12-02T09:00:00Z',
    region: REGION,
    resources: [`arn:aws:ec2:${REGION}:123456789012:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, 'instance-action': action },
  });

const stateOf = async (world: World, instanceId: string) =>
  (await world.instances([{ Name: 'instance-id', Values: [instanceId] }]))[0]?.State?.Name;

describe('Spot interruption warnings through the interruptions consumer (moto)', () => {
  let world: World;
  let consume: ReturnType<typeof createInterruptionsHandler>;

  /** A READY deployment with a real instance in moto, tagged as the provisioner tags it. */
  const liveDeployment = async (stage = 'test'): Promise<DeploymentRecord> => {
    const record = recordFor();
    const tags = [MANAGED, { Key: 'Stage', Value: stage }, { Key: 'DeployId', Value: record.deployId }];
    const [instanceId = ''] = await world.launch(1, tags);
    const withInstance = { ...record, instanceId };
    await world.seed([withInstance]);
    return withInstance;
  };

  const deliver = (body: string) =>
    consume(sqsEvent(sqsRecordFor('EC2 Spot Instance Interruption Warning', {}, { body })));

  beforeAll(async () => {
    world = await createWorld({ region: REGION });
    consume = createInterruptionsHandler(world.rt);
  }, 60_000);

  it('moves the record READY → TERMINATING → TERMINATED with reason spot_interrupted and terminates the instance', async () => {
    // Prepare
    const deployment = await liveDeployment();
    const instanceId = deployment.instanceId ?? '';

    // Act
    const response = await deliver(warningBody(instanceId));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const item = await world.item(deployment.deployId);
    expect(item?.status).toBe('TERMINATED');
    expect(item?.history.slice(-2)).toEqual([
      expect.objectContaining({
        step: 'terminating',
        note: expect.stringContaining('reason=spot_interrupted'),
      }),
      expect.objectContaining({
        step: 'terminated',
        note: expect.stringContaining('reason=spot_interrupted'),
      }),
    ]);
    expect(['shutting-down', 'terminated']).toContain(await stateOf(world, instanceId));
    const published = world.published.filter((p) => p.detail.data.deployId === deployment.deployId);
    expect(
      published.map((p) => [p.detailType, p.detail.metadata.schemaVersion, p.detail.data.reason]),
    ).toEqual([['InstanceTerminated', 3, 'spot_interrupted']]);
  });

  it('changes nothing when the same warning is delivered again', async () => {
    // Prepare
    const deployment = await liveDeployment();
    const body = warningBody(deployment.instanceId ?? '');
    await deliver(body);
    const afterFirst = await world.item(deployment.deployId);
    const eventsAfterFirst = world.published.length;

    // Act
    const response = await deliver(body);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await world.item(deployment.deployId)).toEqual(afterFirst);
    expect(world.published).toHaveLength(eventsAfterFirst);
  });

  it("acknowledges a warning for another stage's instance and leaves it running", async () => {
    // Prepare
    const deployment = await liveDeployment('prod');

    // Act
    const response = await deliver(warningBody(deployment.instanceId ?? ''));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await world.item(deployment.deployId))?.status).toBe('READY');
    expect(await stateOf(world, deployment.instanceId ?? '')).toBe('running');
  });

  it('drops a message that is not a Spot warning, and acknowledges one for an unknown instance', async () => {
    // Act
    const notAWarning = await deliver(JSON.stringify({ source: 'aws.ec2', 'detail-type': 'Something else' }));
    const unknown = await deliver(warningBody('i-0fffffffffffffff0'));

    // Assess
    expect([notAWarning.batchItemFailures, unknown.batchItemFailures]).toEqual([[], []]);
  });
});
