import { Logger } from '@aws-lambda-powertools/logger';
import type { DeploymentStatus } from '@branch-envs/shared/deployments/states';
import { DeployFailed } from '@branch-envs/shared/events/DeployFailed';
import { InstanceLaunched } from '@branch-envs/shared/events/InstanceLaunched';
import { InstanceReady } from '@branch-envs/shared/events/InstanceReady';
import { derivedId } from '@branch-envs/shared/ids';
import type { Log, LogFields } from '@branch-envs/shared/log';
import { buildEvent } from '@branch-envs/shared/publish';
import { createProvisionerEvents } from '../../../src/adapters/provisionerEvents';
import type { ReadinessSettings } from '../../../src/domain/ports';
import { newRecord } from '../../../src/domain/provision/provisioner';
import { createProber, nextDelay } from '../../../src/domain/readiness/probe';
import type { ProbeMessage } from '../../../src/domain/readiness/probeMessage';
import { readinessSettings, resolvedDetail } from '../../helpers/factories';
import { FakeInstances, FakeProbes, RecordingPublisher, scriptedHealth } from '../../helpers/fakes';
import { MemoryRepository } from '../../helpers/memoryRepository';

const log = new Logger({ serviceName: 'provisioner-test', logLevel: 'SILENT' });
const INSTANCE = 'i-0abc123def4567890';
const START = new Date('2026-11-26T09:00:00.000Z');

const setup = async (
  options: {
    status?: DeploymentStatus;
    url?: string;
    settings?: Partial<ReadinessSettings>;
    health?: ReturnType<typeof scriptedHealth>;
  } = {},
) => {
  const repository = new MemoryRepository();
  const publisher = new RecordingPublisher();
  const instances = new FakeInstances();
  const probes = new FakeProbes();
  const health = options.health ?? scriptedHealth({ healthy: false, observation: 'GET answered 503' });
  let now = START;
  const detail = resolvedDetail();
  await repository.create({
    ...newRecord(detail, START),
    status: options.status ?? 'RUNNING',
    instanceId: INSTANCE,
    ...(options.url ? { url: options.url, detectedBy: 'phone_home' as const } : {}),
  });
  instances.observations.set(INSTANCE, { state: 'running', privateIp: '10.0.1.23' });
  const prober = createProber(
    { repository, events: createProvisionerEvents(publisher), instances, health, probes, now: () => now },
    readinessSettings(options.settings),
  );
  const launched = buildEvent(
    {
      contract: InstanceLaunched,
      cause: detail.metadata,
      data: {
        deployId: detail.data.deployId,
        branch: detail.data.branch,
        instanceId: INSTANCE,
        instanceType: 't3.medium',
        expiresAt: 1,
        replyTo: detail.data.replyTo,
      },
    },
    'provisioner',
    START,
  );
  const message: ProbeMessage = {
    deployId: detail.data.deployId,
    instanceId: INSTANCE,
    attempt: 1,
    deadline: new Date(START.getTime() + 60_000).toISOString(),
    cause: launched.detail.metadata,
  };
  return {
    repository,
    publisher,
    instances,
    probes,
    health,
    message,
    deployId: detail.data.deployId,
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
    probe: (m: ProbeMessage = message, redelivered = false, withLog: Log = log) =>
      prober.handle(m, { redelivered, log: withLog }),
  };
};

/** A Log that keeps its info lines, to assert what an operator would read. */
const recordingLog = () => {
  const lines: { message: string; fields?: LogFields }[] = [];
  const keep = (message: string, fields?: LogFields) => {
    lines.push({ message, fields });
  };
  const recorder: Log = { debug: () => undefined, info: keep, warn: keep, error: keep };
  return { recorder, lines };
};

describe('a readiness probe', () => {
  it('the provisioner logged no ready line: it logs one naming the deploy and the instance', async () => {
    // Prepare
    const { probe, deployId } = await setup({ health: scriptedHealth({ healthy: true, status: 200 }) });
    const { recorder, lines } = recordingLog();

    // Act
    await probe(undefined, false, recorder);

    // Assess
    expect(lines).toContainEqual({
      message: 'Deployment ready',
      fields: expect.objectContaining({ deployId, instanceId: INSTANCE, detectedBy: 'probe' }),
    });
  });

  it('sends the next probe one interval later while the app is not healthy yet', async () => {
    // Prepare
    const { probe, probes, health, publisher } = await setup();

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('waiting');
    expect(health.urls).toEqual(['http://10.0.1.23/health']);
    expect(probes.sent).toEqual([
      { delaySeconds: 5, message: expect.objectContaining({ attempt: 2, last: 'GET answered 503' }) },
    ]);
    expect(publisher.events).toHaveLength(0);
  });

  it('does not call the app while the instance is still pending', async () => {
    // Prepare
    const { probe, instances, probes, health } = await setup();
    instances.observations.set(INSTANCE, { state: 'pending' });

    // Act
    await probe();

    // Assess
    expect(health.urls).toEqual([]);
    expect(probes.sent[0]?.message.last).toBe('the instance is pending');
  });

  it('waits for a public IP when the URL template needs one', async () => {
    // Prepare
    const { probe, probes } = await setup({ settings: { appUrlTemplate: 'http://{publicIp}:8080/' } });

    // Act
    await probe();

    // Assess
    expect(probes.sent[0]?.message.last).toBe('the instance has no publicIp yet');
  });

  it('marks the deployment READY with its URL and publishes InstanceReady once the app answers', async () => {
    // Prepare
    const { probe, repository, publisher, probes, deployId, message } = await setup({
      health: scriptedHealth({ healthy: true, status: 200 }),
    });

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('ready');
    expect(await repository.get(deployId)).toMatchObject({ status: 'READY', url: 'http://10.0.1.23/' });
    expect(publisher.dataOf(InstanceReady)).toEqual([
      expect.objectContaining({ url: 'http://10.0.1.23/', instanceId: INSTANCE, detectedBy: 'probe' }),
    ]);
    expect(publisher.events[0]?.detail.metadata).toMatchObject({ causationId: message.cause.eventId });
    expect(probes.sent).toHaveLength(0);
  });

  it('ready message never sent: a READY write whose answer was lost still publishes InstanceReady', async () => {
    // Prepare: the write is applied, then its answer lost; the SDK's re-send finds the record READY
    const { probe, repository, publisher, message } = await setup({
      health: scriptedHealth({ healthy: true, status: 200 }),
    });
    const transition = repository.transition.bind(repository);
    repository.transition = async (deployId, request) => {
      await transition(deployId, request);
      return transition(deployId, request);
    };

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('ready');
    expect(publisher.dataOf(InstanceReady)).toEqual([
      expect.objectContaining({ url: 'http://10.0.1.23/', instanceId: INSTANCE, detectedBy: 'probe' }),
    ]);
    expect(publisher.events[0]?.detail.metadata.eventId).toBe(
      derivedId(message.cause.eventId, 'InstanceReady', ''),
    );
  });

  it('fails with boot_timeout, terminates the instance and gives debug hints after the deadline', async () => {
    // Prepare
    const { probe, advance, repository, publisher, instances, deployId } = await setup();
    advance(61);

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('failed');
    expect(instances.terminated).toEqual([INSTANCE]);
    expect(await repository.get(deployId)).toMatchObject({ status: 'FAILED' });
    const [failed] = publisher.dataOf(DeployFailed);
    expect(failed).toMatchObject({ reason: 'boot_timeout', instanceId: INSTANCE, instanceKept: false });
    expect(failed?.message).toContain('GET answered 503');
    expect(failed?.hints.join('\n')).toContain(
      `aws ec2 get-console-output --instance-id ${INSTANCE} --latest`,
    );
    expect(failed?.hints.join('\n')).toContain('aws ssm start-session');
  });

  it('keeps the failed instance for debugging when KEEP_FAILED_INSTANCES is set', async () => {
    // Prepare
    const { probe, advance, publisher, instances } = await setup({ settings: { keepFailedInstances: true } });
    advance(61);

    // Act
    await probe();

    // Assess
    expect(instances.terminated).toEqual([]);
    expect(publisher.dataOf(DeployFailed)[0]).toMatchObject({ instanceKept: true });
  });

  it('never delays the last probe past the deadline', async () => {
    // Prepare
    const { probe, advance, probes } = await setup();
    advance(58);

    // Act
    await probe();

    // Assess
    expect(probes.sent[0]?.delaySeconds).toBe(2);
  });

  it('fails with instance_stopped when the instance stopped on its own', async () => {
    // Prepare
    const { probe, instances, publisher } = await setup();
    instances.observations.set(INSTANCE, { state: 'stopped' });

    // Act
    await probe();

    // Assess
    expect(publisher.dataOf(DeployFailed)).toEqual([expect.objectContaining({ reason: 'instance_stopped' })]);
    expect(instances.terminated).toEqual([INSTANCE]);
  });

  it('terminates at once and stops probing when the deployment is being terminated', async () => {
    // Prepare
    const { probe, instances, probes, publisher } = await setup({ status: 'TERMINATING' });

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('terminated');
    expect(instances.terminated).toEqual([INSTANCE]);
    expect(probes.sent).toHaveLength(0);
    expect(publisher.events).toHaveLength(0);
  });

  it('terminates the instance when a terminate wins the race against READY', async () => {
    // Prepare
    const health = scriptedHealth({ healthy: true, status: 200 });
    const { probe, repository, instances, publisher, deployId } = await setup({ health });
    const check = health.check;
    health.check = async (url) => {
      repository.force(deployId, 'TERMINATING');
      return check(url);
    };

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('terminated');
    expect(instances.terminated).toEqual([INSTANCE]);
    expect(publisher.events).toHaveLength(0);
  });

  it('ready message never sent after a phone-home crash: a probe that finds READY publishes InstanceReady again', async () => {
    // Prepare: the phone-home wrote READY and died before publishing; the instance gave up retrying
    const { probe, publisher, probes, message } = await setup({ status: 'READY', url: 'http://10.0.1.23/' });

    // Act
    const outcome = await probe();

    // Assess: the eventId the writer would have used, so consumers drop it if the writer did publish
    expect(outcome).toBe('republished');
    expect(publisher.dataOf(InstanceReady)).toEqual([
      expect.objectContaining({ url: 'http://10.0.1.23/', detectedBy: 'phone_home' }),
    ]);
    expect(publisher.events[0]?.detail.metadata.eventId).toBe(
      derivedId(message.cause.eventId, 'InstanceReady', ''),
    );
    expect(probes.sent).toHaveLength(0);
  });

  it('does nothing when a late probe arrives after READY without a URL to announce', async () => {
    // Prepare
    const { probe, publisher, probes, instances } = await setup({ status: 'READY' });

    // Act
    const outcome = await probe();

    // Assess
    expect(outcome).toBe('ignored');
    expect(publisher.events).toHaveLength(0);
    expect(probes.sent).toHaveLength(0);
    expect(instances.terminated).toHaveLength(0);
  });

  it('re-publishes InstanceReady, with the same eventId, when the probe that made it READY is redelivered', async () => {
    // Prepare
    const { probe, publisher, message } = await setup({
      health: scriptedHealth({ healthy: true, status: 200 }),
    });
    publisher.failNext = 1;
    await expect(probe()).rejects.toThrow('EventBridge is down');

    // Act
    const outcome = await probe(message, true);

    // Assess
    expect(outcome).toBe('republished');
    expect(publisher.dataOf(InstanceReady)).toHaveLength(1);
    expect(publisher.events[0]?.detail.metadata.eventId).toBe(
      derivedId(message.cause.eventId, 'InstanceReady', ''),
    );
  });

  it('records on the deployment that a probe saw it ready', async () => {
    // Prepare
    const { probe, repository, deployId } = await setup({
      health: scriptedHealth({ healthy: true, status: 200 }),
    });

    // Act
    await probe();

    // Assess
    expect(await repository.get(deployId)).toMatchObject({ status: 'READY', detectedBy: 'probe' });
  });

  it('re-publishes how the record says readiness was detected, whatever its history notes say', async () => {
    // Prepare
    const { probe, repository, publisher, deployId, message } = await setup({ status: 'READY' });
    const record = await repository.get(deployId);
    if (record?.kind !== 'deployment') throw new Error('no record');
    const url = 'http://10.0.1.23/';
    repository.items.set(deployId, {
      ...record,
      url,
      detectedBy: 'phone_home',
      history: [...record.history, { step: 'ready', at: START.toISOString(), note: url }],
    });

    // Act
    const outcome = await probe(message, true);

    // Assess
    expect(outcome).toBe('republished');
    expect(publisher.dataOf(InstanceReady)).toEqual([
      expect.objectContaining({ url, detectedBy: 'phone_home' }),
    ]);
  });

  it('drops a probe for an instance the record does not own', async () => {
    // Prepare
    const { probe, message, health } = await setup();

    // Act
    const outcome = await probe({ ...message, instanceId: 'i-0fffffffffffffff0' });

    // Assess
    expect(outcome).toBe('ignored');
    expect(health.urls).toEqual([]);
  });
});

describe('the delay before the next probe', () => {
  const now = Date.parse('2026-11-26T09:00:10.300Z');

  it.each([
    ['is the interval for a probe that ran on time', '2026-11-26T09:00:10.300Z', 5],
    ['takes a late probe’s lag, rounded up, off the interval', '2026-11-26T09:00:10.000Z', 4],
    ['shrinks further after a cold start', '2026-11-26T09:00:07.500Z', 2],
    ['never drops below one second', '2026-11-26T09:00:00.000Z', 1],
  ])('%s', (_, dueAt, expected) => {
    // Act + Assess
    expect(nextDelay({ dueAt }, now, 5)).toBe(expected);
  });

  it('is the interval when the message does not say when it was due', () => {
    // Act + Assess
    expect(nextDelay({}, now, 5)).toBe(5);
  });
});
