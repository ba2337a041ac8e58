import { Logger } from '@aws-lambda-powertools/logger';
import { DeployFailed } from '@branch-envs/shared/events/DeployFailed';
import { InstanceReady } from '@branch-envs/shared/events/InstanceReady';
import { causedEventId } from '@branch-envs/shared/publish';
import { deployDocumentOf, userDataFromBase64 } from '@branch-envs/shared/userData';
import { createProvisionerEvents } from '../../../src/adapters/provisionerEvents';
import type { HealthResult, ProberPorts } from '../../../src/domain/ports';
import { createProvisioner } from '../../../src/domain/provision/provisioner';
import { createPhoneHome, type PhoneHomeReport } from '../../../src/domain/readiness/phoneHome';
import { createProber } from '../../../src/domain/readiness/probe';
import type { Profile } from '../../../src/domain/userData/profile';
import { provisionSettings, readinessSettings, resolvedDetail } from '../../helpers/factories';
import { FakeInstances, FakeProbes, RecordingPublisher, scriptedHealth } from '../../helpers/fakes';
import { MemoryRepository } from '../../helpers/memoryRepository';

const log = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });
const NOW = new Date('2026-11-26T09:00:05.000Z');
const BASE_URL = 'https://abc123.execute-api.eu-north-1.amazonaws.com/phone-home';
const HEALTHY: HealthResult = { healthy: true, status: 200 };
const BOOTING: HealthResult = { healthy: false, observation: 'GET answered 502' };

const profile: Profile = {
  name: 'test/minimal',
  cloudConfig:
    "#cloud-config\nwrite_files:\n  - path: /etc/branch-envs/deploy.json\n    permissions: '0600'\n    content: !param deployJson\n",
  files: {},
};

/** Launches one deployment with the real provisioner, then hands out what its instance would hold. */
const launched = async (
  options: { phoneHomeUrl?: string | undefined; health?: HealthResult[]; keepFailedInstances?: boolean } = {},
) => {
  const repository = new MemoryRepository();
  const publisher = new RecordingPublisher();
  const instances = new FakeInstances();
  const probes = new FakeProbes();
  const health = scriptedHealth(...(options.health ?? [HEALTHY]));
  const phoneHomeUrl = 'phoneHomeUrl' in options ? options.phoneHomeUrl : BASE_URL;
  const settings = provisionSettings({
    app: { phoneHomeUrl },
    readiness: { keepFailedInstances: options.keepFailedInstances ?? false },
  });
  const common = {
    repository,
    events: createProvisionerEvents(publisher),
    instances,
    probes,
    now: () => NOW,
  };
  const provisioner = createProvisioner(
    {
      ...common,
      images: { current: async () => ({ imageId: 'ami-0123456789abcdef0', rootDeviceName: '/dev/xvda' }) },
      artifactLinks: { linkFor: async (bucket, key) => `s3://${bucket}/${key}` },
      profile: async () => profile,
    },
    settings,
  );
  const detail = resolvedDetail();
  await provisioner.handle({ detail, log });
  const [launch] = instances.launched;
  if (!launch) throw new Error('nothing was launched');
  instances.observations.set(launch.instanceId, { state: 'running', privateIp: '10.0.1.23' });
  const document = deployDocumentOf(userDataFromBase64(launch.spec.userDataBase64)) ?? {};
  const proberPorts: ProberPorts = { ...common, health };
  const phoneHome = createPhoneHome(proberPorts, readinessSettings(settings.readiness));
  const report = (overrides: Partial<PhoneHomeReport> = {}): PhoneHomeReport => ({
    deployId: detail.data.deployId,
    instanceId: launch.instanceId,
    status: 'ready',
    ...overrides,
  });
  return {
    repository,
    publisher,
    instances,
    probes,
    health,
    detail,
    instanceId: launch.instanceId,
    document,
    token: String(document.phoneHomeToken),
    launchedEventId: publisher.events[0]?.detail.metadata.eventId ?? '',
    prober: createProber(proberPorts, readinessSettings(settings.readiness)),
    report,
    phoneHome: (r: PhoneHomeReport, token: string) => phoneHome.handle(r, token, log),
  };
};

describe('the phone-home credential', () => {
  it('gives each instance its own token in its user data and keeps only the hash in the record', async () => {
    // Prepare
    const first = await launched();
    const second = await launched();

    // Assess
    expect(first.document.phoneHomeUrl).toBe(`${BASE_URL}/${first.detail.data.deployId}`);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.token).not.toBe(first.token);
    const record = await first.repository.get(first.detail.data.deployId);
    expect(record).toMatchObject({
      status: 'RUNNING',
      phoneHome: { tokenSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(JSON.stringify(record)).not.toContain(first.token);
  });

  it('writes no URL, no token and no hash when phone-home is off', async () => {
    // Prepare
    const { document, repository, detail } = await launched({ phoneHomeUrl: undefined });

    // Assess
    expect(document).toMatchObject({ phoneHomeUrl: null, phoneHomeToken: null });
    expect(await repository.get(detail.data.deployId)).not.toHaveProperty('phoneHome');
  });

  it.each([
    ['a wrong token', (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
    ['an empty token', () => ''],
    ['the hash instead of the token', () => 'f'.repeat(64)],
  ])('refuses %s and changes nothing', async (_case, forge) => {
    // Prepare
    const { phoneHome, report, token, repository, publisher, health, detail } = await launched();

    // Act
    const outcome = await phoneHome(report(), forge(token));

    // Assess
    expect(outcome).toEqual({ kind: 'unauthorized' });
    expect((await repository.get(detail.data.deployId))?.status).toBe('RUNNING');
    expect(health.urls).toEqual([]);
    expect(publisher.types()).toEqual(['InstanceLaunched']);
  });

  it('answers an unknown deployment exactly like a wrong token', async () => {
    // Prepare
    const { phoneHome, report, token } = await launched();

    // Act
    const outcome = await phoneHome(report({ deployId: resolvedDetail().data.deployId }), token);

    // Assess
    expect(outcome).toEqual({ kind: 'unauthorized' });
  });

  it('refuses a genuine token for an instance the deployment does not own', async () => {
    // Prepare
    const { phoneHome, report, token, publisher } = await launched();

    // Act
    const outcome = await phoneHome(report({ instanceId: 'i-0fffffffffffffff0' }), token);

    // Assess
    expect(outcome).toEqual({ kind: 'conflict', message: 'this deployment runs on another instance' });
    expect(publisher.types()).toEqual(['InstanceLaunched']);
  });
});

describe('an instance reporting ready', () => {
  it('is checked once and marks the deployment READY with the eventId a probe would have used', async () => {
    // Prepare
    const { phoneHome, report, token, repository, publisher, health, detail, launchedEventId } =
      await launched();

    // Act
    const outcome = await phoneHome(report(), token);

    // Assess
    expect(outcome).toEqual({ kind: 'done', outcome: 'ready' });
    expect(health.urls).toEqual(['http://10.0.1.23/health']);
    expect(await repository.get(detail.data.deployId)).toMatchObject({
      status: 'READY',
      url: 'http://10.0.1.23/',
    });
    expect(publisher.dataOf(InstanceReady)).toEqual([
      expect.objectContaining({ detectedBy: 'phone_home', url: 'http://10.0.1.23/' }),
    ]);
    const ready = publisher.events.find((e) => e.detailType === 'InstanceReady');
    expect(ready?.detail.metadata.eventId).toBe(causedEventId(launchedEventId, InstanceReady));
  });

  it('accepts a report without an instance id (cloud-init query failed on the instance)', async () => {
    // Prepare
    const { phoneHome, report, token } = await launched();

    // Act
    const outcome = await phoneHome(report({ instanceId: undefined }), token);

    // Assess
    expect(outcome).toEqual({ kind: 'done', outcome: 'ready' });
  });

  it('leaves the decision to the probes when the health check does not agree', async () => {
    // Prepare
    const { phoneHome, report, token, repository, publisher, detail } = await launched({ health: [BOOTING] });

    // Act
    const outcome = await phoneHome(report(), token);

    // Assess
    expect(outcome).toEqual({ kind: 'done', outcome: 'waiting' });
    expect((await repository.get(detail.data.deployId))?.status).toBe('RUNNING');
    expect(publisher.types()).toEqual(['InstanceLaunched']);
  });

  it('publishes one InstanceReady between a phone-home and a probe that both see the app healthy', async () => {
    // Prepare
    const { phoneHome, report, token, prober, probes, publisher } = await launched();
    const probeMessage = probes.sent[0]?.message;
    if (!probeMessage) throw new Error('no probe was scheduled');

    // Act
    const outcomes = await Promise.all([
      phoneHome(report(), token),
      prober.handle({ ...probeMessage, cause: { ...probeMessage.cause } }, { redelivered: false, log }),
    ]);

    // Assess
    expect(outcomes).toContainEqual({ kind: 'done', outcome: 'ready' });
    expect(publisher.dataOf(InstanceReady)).toHaveLength(1);
  });

  it('records the phone-home on the deployment, so a redelivered probe re-publishes InstanceReady phone_home', async () => {
    // Prepare
    const { phoneHome, report, token, prober, probes, repository, publisher, detail } = await launched();
    const probeMessage = probes.sent[0]?.message;
    if (!probeMessage) throw new Error('no probe was scheduled');
    publisher.failNext = 1;
    await expect(phoneHome(report(), token)).rejects.toThrow('EventBridge is down');

    // Act
    const outcome = await prober.handle(probeMessage, { redelivered: true, log });

    // Assess
    expect(await repository.get(detail.data.deployId)).toMatchObject({
      status: 'READY',
      detectedBy: 'phone_home',
    });
    expect(outcome).toBe('republished');
    expect(publisher.dataOf(InstanceReady)).toEqual([expect.objectContaining({ detectedBy: 'phone_home' })]);
  });

  it('a repeated report of a READY deployment publishes the same InstanceReady again (deduplicated by eventId)', async () => {
    // Prepare
    const { phoneHome, report, token, publisher } = await launched();
    await phoneHome(report(), token);

    // Act
    const again = await phoneHome(report(), token);

    // Assess
    expect(again).toEqual({ kind: 'done', outcome: 'republished' });
    const ids = publisher.events
      .filter((e) => e.detailType === InstanceReady.detailType)
      .map((e) => e.detail.metadata.eventId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });

  it('a phone-home killed between the READY write and the publish left the user without "ready": the instance\'s retry publishes it', async () => {
    // Prepare: the first report wrote READY, then publishing failed (the worker died).
    const { phoneHome, report, token, repository, publisher, detail } = await launched();
    publisher.failNext = 1;
    await expect(phoneHome(report(), token)).rejects.toThrow('EventBridge is down');
    expect(await repository.get(detail.data.deployId)).toMatchObject({ status: 'READY' });

    // Act
    const retried = await phoneHome(report(), token);

    // Assess
    expect(retried).toEqual({ kind: 'done', outcome: 'republished' });
    expect(publisher.dataOf(InstanceReady)).toEqual([expect.objectContaining({ detectedBy: 'phone_home' })]);
  });

  it('terminates the instance when a terminate came first', async () => {
    // Prepare
    const { phoneHome, report, token, repository, instances, instanceId, detail } = await launched();
    await repository.transition(detail.data.deployId, { to: 'TERMINATING', step: 'terminate requested' });

    // Act
    const outcome = await phoneHome(report(), token);

    // Assess
    expect(outcome).toEqual({ kind: 'done', outcome: 'terminated' });
    expect(instances.terminated).toEqual([instanceId]);
  });
});

describe('an instance reporting a failed boot', () => {
  it('fails the deployment at once, names the step and terminates the instance', async () => {
    // Prepare
    const { phoneHome, report, token, repository, publisher, instances, instanceId, detail, health } =
      await launched();

    // Act
    const outcome = await phoneHome(report({ status: 'failed', step: 'restore-db' }), token);

    // Assess
    expect(outcome).toEqual({ kind: 'done', outcome: 'failed' });
    expect(health.urls).toEqual([]);
    expect((await repository.get(detail.data.deployId))?.status).toBe('FAILED');
    expect(instances.terminated).toEqual([instanceId]);
    const [failed] = publisher.dataOf(DeployFailed);
    expect(failed).toMatchObject({ reason: 'boot_failed', instanceId, instanceKept: false });
    expect(failed?.message).toContain('at step "restore-db"');
    expect(failed?.hints.join('\n')).toContain(`get-console-output --instance-id ${instanceId}`);
  });

  it('keeps the instance when failed instances are kept for debugging', async () => {
    // Prepare
    const { phoneHome, report, token, publisher, instances } = await launched({ keepFailedInstances: true });

    // Act
    await phoneHome(report({ status: 'failed' }), token);

    // Assess
    expect(instances.terminated).toEqual([]);
    expect(publisher.dataOf(DeployFailed)[0]).toMatchObject({ reason: 'boot_failed', instanceKept: true });
  });
});
