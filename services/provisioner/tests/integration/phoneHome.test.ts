import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { InstanceReady } from '@branch-envs/shared/events/InstanceReady';
import { causedEventId } from '@branch-envs/shared/publish';
import { deployDocumentOf } from '@branch-envs/shared/userData';
import { lambdaContext, sqsEvent, sqsRecordFor } from '../../../../shared/tests/helpers/factories';
import { createPhoneHome } from '../../src/domain/readiness/phoneHome';
import { createPhoneHomeHandler } from '../../src/handlers/createPhoneHomeHandler';
import { proberPorts } from '../../src/wiring';
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
  toSqsEvent,
  userDataText,
  waitForEvent,
} from '../helpers/motoStack';
import { phoneHomeServer } from '../helpers/phoneHomeServer';

const clients = motoClients();

describe('phone-home on moto', () => {
  let platform: MotoPlatform;
  let app: Awaited<ReturnType<typeof appServer>>;
  let route: Awaited<ReturnType<typeof phoneHomeServer>>;
  let config: ReturnType<typeof motoConfigFor>;

  beforeAll(async () => {
    [platform, app] = await Promise.all([motoPlatform(clients), appServer()]);
    // The route's URL goes into the config the provisioner renders with, so it exists before the config.
    let handler: ReturnType<typeof createPhoneHomeHandler> | undefined;
    route = await phoneHomeServer((event) => {
      if (!handler) throw new Error('not wired yet');
      return handler(event);
    });
    config = motoConfigFor(platform, {
      APP_URL_TEMPLATE: app.template,
      PHONE_HOME_URL: route.url,
      PROBE_INTERVAL_SECONDS: '1',
    });
    handler = createPhoneHomeHandler({
      phoneHome: createPhoneHome(proberPorts(config, clients), config.settings.readiness),
    });
  }, 60_000);
  afterAll(async () => {
    app.close();
    await route.close();
  });

  /** Launches one deployment for real and reads back, from EC2, what its instance would know. */
  const launch = async () => {
    const handlers = motoHandlers(config, clients);
    const detail = resolvedDetail();
    await handlers.provision(
      sqsEvent(sqsRecordFor(BranchResolved.detailType, detail)),
      lambdaContext('provision'),
    );
    const [instance] = await instancesOf(clients.ec2, detail.data.deployId);
    const instanceId = instance?.InstanceId ?? '';
    const document = deployDocumentOf(await userDataText(clients.ec2, instanceId)) ?? {};
    /** What bootstrap.sh's report() sends. */
    const report = (body: Record<string, unknown>, token = String(document.phoneHomeToken)) =>
      fetch(String(document.phoneHomeUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ deployId: detail.data.deployId, instanceId, ...body }),
      });
    return { ...handlers, detail, deployId: detail.data.deployId, instanceId, document, report };
  };

  /** The deployment's first probe message, once its delay has passed. */
  const probeOf = async (deployId: string) => {
    for (let tries = 0; tries < 10; tries += 1) {
      const mine = (await receive(clients.sqs, platform.probeQueue, 1)).filter(
        (m) => (JSON.parse(m.Body ?? '{}') as { deployId?: string }).deployId === deployId,
      );
      if (mine.length > 0) return mine;
    }
    return [];
  };

  it('marks the deployment READY as soon as the instance reports, with the ids a probe would use', async () => {
    // Prepare
    const { report, repository, deployId, instanceId, document } = await launch();
    expect(document.phoneHomeUrl).toBe(`${route.url}/${deployId}`);
    const launched = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceLaunched' && e.detail.data.deployId === deployId,
    );
    app.status.set(instanceId, 200);

    // Act
    const response = await report({ status: 'ready', step: 'start-app' });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'ready' });
    expect(await repository.get(deployId)).toMatchObject({
      status: 'READY',
      url: app.template.replace('{instanceId}', instanceId),
    });
    const ready = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'InstanceReady' && e.detail.data.deployId === deployId,
    );
    expect(ready?.detail.data).toMatchObject({ detectedBy: 'phone_home', instanceId });
    expect(ready?.detail.metadata.eventId).toBe(
      causedEventId(launched?.detail.metadata.eventId ?? '', InstanceReady),
    );
  });

  it('lets the pending probe find the deployment finished: one InstanceReady eventId in all, so consumers see it once', async () => {
    // Prepare
    const { report, probe, deployId, instanceId } = await launch();
    app.status.set(instanceId, 200);
    await report({ status: 'ready' });
    const messages = await probeOf(deployId);
    expect(messages).toHaveLength(1);

    // Act: the probe becomes visible later and runs as Lambda would run it
    const result = await probe(
      toSqsEvent(messages, 'arn:aws:sqs:eu-north-1:123456789012:probes', 'eu-north-1'),
      lambdaContext('probe'),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    // The probe announces READY again in case the phone-home died before publishing (chaos run 7).
    const events = await eventsOf(clients.sqs, platform.tapQueue, deployId);
    const ready = events.filter((e) => e['detail-type'] === 'InstanceReady');
    expect(ready.length).toBeGreaterThanOrEqual(1);
    expect(
      new Set(ready.map((e) => (e.detail as { metadata: { eventId: string } }).metadata.eventId)).size,
    ).toBe(1);
  });

  it('fails the deployment and terminates the instance in EC2 when the boot failed', async () => {
    // Prepare
    const { report, repository, deployId, instanceId } = await launch();

    // Act
    const response = await report({ status: 'failed', step: 'restore-db' });

    // Assess
    expect(response.status).toBe(200);
    expect((await repository.get(deployId))?.status).toBe('FAILED');
    expect(await instancesOf(clients.ec2, deployId)).toEqual([]);
    const [terminated] = await instancesOf(clients.ec2, deployId, ['shutting-down', 'terminated']);
    expect(terminated?.InstanceId).toBe(instanceId);
    const failed = await waitForEvent(
      clients.sqs,
      platform.tapQueue,
      (e) => e['detail-type'] === 'DeployFailed' && e.detail.data.deployId === deployId,
    );
    expect(failed?.detail.data).toMatchObject({ reason: 'boot_failed', instanceId, instanceKept: false });
  });

  it("refuses another deployment's token with 401 and leaves the record alone", async () => {
    // Prepare
    const first = await launch();
    const second = await launch();
    app.status.set(first.instanceId, 200);

    // Act
    const response = await first.report({ status: 'ready' }, String(second.document.phoneHomeToken));

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await first.repository.get(first.deployId))?.status).toBe('RUNNING');
  });
});
