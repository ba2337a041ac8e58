import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { newId } from '@branch-envs/shared/ids';
import { lambdaContext, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { deliver, ec2Faults } from '../helpers/ec2Faults';
import { resolvedDetail } from '../helpers/factories';
import {
  instancesOf,
  type MotoPlatform,
  motoClients,
  motoConfigFor,
  motoHandlers,
  motoPlatform,
  waitForEvent,
} from '../helpers/motoStack';

/*
 * Duplicates and terminates racing the launch (docs/architecture.md §3, §4). moto ignores ClientToken, so every
 * "exactly one" here is the registry's conditional claim at work.
 */
const clients = motoClients();
const faults = ec2Faults(clients.ec2Launch);

describe('provisioning races on moto', () => {
  let platform: MotoPlatform;

  beforeAll(async () => {
    platform = await motoPlatform(clients);
  }, 60_000);
  afterEach(() => faults.removeAll());

  it('ends with exactly one instance when BranchResolved arrives five times at once (same event, new EventBridge ids)', async () => {
    // Prepare
    const { provision } = motoHandlers(motoConfigFor(platform), clients);
    const detail = resolvedDetail();
    const records = Array.from({ length: 5 }, () => sqsRecordFor(BranchResolved.detailType, detail));

    // Act
    const responses = await Promise.all(
      records.map((r) => provision(sqsEvent(r), lambdaContext('provision'))),
    );
    const retried = records.filter((r, i) =>
      (responses[i]?.batchItemFailures ?? []).some((f) => f.itemIdentifier === r.messageId),
    );
    await Promise.all(retried.map((r) => provision(sqsEvent(r), lambdaContext('provision'))));

    // Assess
    expect(await instancesOf(clients.ec2, detail.data.deployId)).toHaveLength(1);
  });

  it('ends with exactly one instance when five copies with different eventIds race (the registry claim decides)', async () => {
    // Prepare
    const { provision } = motoHandlers(motoConfigFor(platform), clients);
    const detail = resolvedDetail();
    const copies = Array.from({ length: 5 }, () => ({
      ...detail,
      metadata: { ...detail.metadata, eventId: newId() },
    }));

    // Act
    await Promise.all(copies.map((copy) => deliver(provision, copy)));

    // Assess
    expect(await instancesOf(clients.ec2, detail.data.deployId)).toHaveLength(1);
  });

  it('launches nothing and answers InstanceTerminated when a terminate left a tombstone first', async () => {
    // Prepare
    const { provision, repository } = motoHandlers(motoConfigFor(platform), clients);
    const detail = resolvedDetail();
    await repository.putTombstone(detail.data.deployId, detail.data.owner);

    // Act
    await deliver(provision, detail);

    // Assess
    expect(
      await instancesOf(clients.ec2, detail.data.deployId, ['pending', 'running', 'terminated']),
    ).toHaveLength(0);
    const terminated = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceTerminated' && e.detail.data.deployId === detail.data.deployId,
    );
    expect(terminated?.detail.data).toMatchObject({ reason: 'user', instanceId: null });
  });

  it('leaves no running instance when a terminate arrives while the launch is in flight', async () => {
    // Prepare
    const { provision, repository } = motoHandlers(motoConfigFor(platform), clients);
    const detail = resolvedDetail();
    faults.beforeRunInstances(async () => {
      // What the reaper does with a terminate for a deployment that is still LAUNCHING.
      await repository.transition(detail.data.deployId, { to: 'TERMINATING', step: 'terminate requested' });
    });

    // Act
    await deliver(provision, detail);

    // Assess
    expect(await instancesOf(clients.ec2, detail.data.deployId)).toHaveLength(0);
    const killed = await instancesOf(clients.ec2, detail.data.deployId, ['shutting-down', 'terminated']);
    expect(killed).toHaveLength(1);
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'TERMINATING' });
    const terminated = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceTerminated' && e.detail.data.deployId === detail.data.deployId,
    );
    expect(terminated?.detail.data).toMatchObject({ reason: 'user', instanceId: killed[0]?.InstanceId });
  });
});
