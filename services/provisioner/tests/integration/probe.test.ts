import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { lambdaContext, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { appServer } from '../helpers/appServer';
import { resolvedDetail } from '../helpers/factories';
import {
  eventsOf,
  instancesOf,
  type MotoPlatform,
  motoClients,
  motoConfigFor,
  motoHandlers,
  motoPlatform,
  receive,
  runProbes,
  waitForEvent,
} from '../helpers/motoStack';

const clients = motoClients();

describe('readiness probing on moto', () => {
  let platform: MotoPlatform;
  let app: Awaited<ReturnType<typeof appServer>>;

  beforeAll(async () => {
    [platform, app] = await Promise.all([motoPlatform(clients), appServer()]);
  }, 60_000);
  afterAll(() => app.close());

  const launch = async (env: Record<string, string> = {}) => {
    const config = motoConfigFor(platform, {
      APP_URL_TEMPLATE: app.template,
      PROBE_INTERVAL_SECONDS: '1',
      ...env,
    });
    const handlers = motoHandlers(config, clients);
    const detail = resolvedDetail();
    await handlers.provision(
      sqsEvent(sqsRecordFor(BranchResolved.detailType, detail)),
      lambdaContext('provision'),
    );
    const [instance] = await instancesOf(clients.ec2, detail.data.deployId);
    return { ...handlers, detail, deployId: detail.data.deployId, instanceId: instance?.InstanceId ?? '' };
  };

  const statusOf = async (repository: ReturnType<typeof motoHandlers>['repository'], deployId: string) =>
    (await repository.get(deployId))?.status;

  it('probes through delayed messages until the app answers, then records READY and publishes InstanceReady', async () => {
    // Prepare
    const { probe, repository, deployId, instanceId } = await launch();
    let probesSeen = 0;
    const handler: typeof probe = async (event, context) => {
      probesSeen += event.Records.length;
      if (probesSeen >= 2) app.status.set(instanceId, 200);
      return probe(event, context);
    };

    // Act
    await runProbes(
      clients.sqs,
      platform.probeQueue,
      handler,
      async () => (await statusOf(repository, deployId)) === 'READY',
    );

    // Assess
    const url = `${app.template.replace('{instanceId}', instanceId)}`;
    expect(await repository.get(deployId)).toMatchObject({ status: 'READY', url });
    const ready = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceReady' && e.detail.data.deployId === deployId,
    );
    expect(ready?.detail.data).toMatchObject({ url, instanceId, detectedBy: 'probe' });
    expect(app.requests.filter((r) => r === `/${instanceId}/health`).length).toBeGreaterThanOrEqual(2);
    expect(await receive(clients.sqs, platform.probeQueue, 2)).toEqual([]);
  }, 30_000);

  it('fails with boot_timeout and terminates the instance when the app never answers', async () => {
    // Prepare
    const { probe, repository, deployId, instanceId } = await launch({ BOOT_TIMEOUT_SECONDS: '2' });

    // Act
    await runProbes(
      clients.sqs,
      platform.probeQueue,
      probe,
      async () => (await statusOf(repository, deployId)) === 'FAILED',
    );

    // Assess
    const failed = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'DeployFailed' && e.detail.data.deployId === deployId,
    );
    expect(failed?.detail.data).toMatchObject({ reason: 'boot_timeout', instanceId, instanceKept: false });
    expect(String(failed?.detail.data.message)).toContain('answered 503');
    expect(JSON.stringify(failed?.detail.data.hints)).toContain(
      `aws ec2 get-console-output --instance-id ${instanceId} --latest`,
    );
    expect(await instancesOf(clients.ec2, deployId, ['shutting-down', 'terminated'])).toHaveLength(1);
  }, 30_000);

  it('keeps the timed-out instance for debugging when KEEP_FAILED_INSTANCES is true', async () => {
    // Prepare
    const { probe, repository, deployId } = await launch({
      BOOT_TIMEOUT_SECONDS: '1',
      KEEP_FAILED_INSTANCES: 'true',
    });

    // Act
    await runProbes(
      clients.sqs,
      platform.probeQueue,
      probe,
      async () => (await statusOf(repository, deployId)) === 'FAILED',
    );

    // Assess
    expect(await instancesOf(clients.ec2, deployId, ['running'])).toHaveLength(1);
    const [failed] = (await eventsOf(clients.sqs, platform.tapQueue, deployId)).filter(
      (e) => e['detail-type'] === 'DeployFailed',
    );
    expect(failed?.detail.data).toMatchObject({ instanceKept: true });
  }, 30_000);

  it('terminates at once and stops probing when the deployment is terminated during the boot', async () => {
    // Prepare
    const { probe, repository, deployId } = await launch();
    await repository.transition(deployId, { to: 'TERMINATING', step: 'terminate requested' });

    // Act
    const invocations = await runProbes(clients.sqs, platform.probeQueue, probe, async () => false, 4000);

    // Assess
    expect(invocations).toBe(1);
    expect(await instancesOf(clients.ec2, deployId)).toHaveLength(0);
    expect(await instancesOf(clients.ec2, deployId, ['shutting-down', 'terminated'])).toHaveLength(1);
  }, 30_000);

  it('fails with instance_stopped when the instance stops before the app is healthy', async () => {
    // Prepare
    const { probe, repository, deployId, instanceId } = await launch();
    await clients.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));

    // Act
    await runProbes(
      clients.sqs,
      platform.probeQueue,
      probe,
      async () => (await statusOf(repository, deployId)) === 'FAILED',
    );

    // Assess
    const [failed] = (await eventsOf(clients.sqs, platform.tapQueue, deployId)).filter(
      (e) => e['detail-type'] === 'DeployFailed',
    );
    expect(failed?.detail.data).toMatchObject({ reason: 'instance_stopped', instanceId });
  }, 30_000);
});
