import { Metrics } from '@aws-lambda-powertools/metrics';
import { cloudWatchDeployMetrics } from '../../src/adapters/deployMetrics';
import { createProvisionerEvents } from '../../src/adapters/provisionerEvents';
import { newRecord } from '../../src/domain/provision/provisioner';
import { resolvedDetail } from '../helpers/factories';
import { RecordingPublisher } from '../helpers/fakes';

const REQUESTED = new Date('2026-11-26T09:00:00.000Z');
const READY = new Date('2026-11-26T09:02:30.000Z');
const instance = {
  instanceId: 'i-0abc123def4567890',
  instanceType: 't3.medium',
  market: 'on-demand' as const,
};

interface Emf {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/**
 * A Metrics instance whose EMF lines (the documented CloudWatch embedded metric format) are kept:
 * Powertools writes them to stdout through its own console, so stdout is what is read.
 */
const capturingMetrics = () => {
  const lines: Emf[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk)
      .split('\n')
      .filter((l) => l.startsWith('{"_aws"')))
      lines.push(JSON.parse(line) as Emf);
    return true;
  });
  const metrics = new Metrics({
    namespace: 'branch-envs',
    serviceName: 'provisioner',
    defaultDimensions: { stage: 'prod' },
  });
  const events = (publisher: RecordingPublisher) =>
    createProvisionerEvents(publisher, cloudWatchDeployMetrics(metrics), () => READY);
  return { lines, events };
};

afterEach(() => jest.restoreAllMocks());

const metricOf = (line: Emf) => line._aws.CloudWatchMetrics[0];

describe('the deploy metrics behind the stage dashboard', () => {
  it('counts a launch once InstanceLaunched is published', async () => {
    // Prepare
    const { lines, events } = capturingMetrics();
    const detail = resolvedDetail();

    // Act
    await events(new RecordingPublisher()).launched(detail, newRecord(detail, REQUESTED), instance);

    // Assess
    expect(lines).toHaveLength(1);
    expect(metricOf(lines[0] as Emf)).toMatchObject({
      Namespace: 'branch-envs',
      Metrics: [{ Name: 'DeploymentLaunched', Unit: 'Count' }],
    });
    expect(lines[0]).toMatchObject({ service: 'provisioner', stage: 'prod', DeploymentLaunched: 1 });
  });

  it('measures the time to ready from the request, in seconds', async () => {
    // Prepare
    const { lines, events } = capturingMetrics();
    const detail = resolvedDetail();
    const record = newRecord(detail, REQUESTED);

    // Act
    await events(new RecordingPublisher()).ready(
      detail.metadata,
      record,
      instance.instanceId,
      'http://10.0.1.23/',
      'probe',
    );

    // Assess
    expect(lines.map((line) => metricOf(line)?.Metrics[0]?.Name)).toEqual(['DeploymentReady', 'TimeToReady']);
    expect(lines[1]).toMatchObject({ TimeToReady: (READY.getTime() - Date.parse(record.createdAt)) / 1000 });
    expect(metricOf(lines[1] as Emf)?.Metrics[0]?.Unit).toBe('Seconds');
  });

  it('counts a failure under its reason', async () => {
    // Prepare
    const { lines, events } = capturingMetrics();
    const detail = resolvedDetail();
    const record = newRecord(detail, REQUESTED);

    // Act
    await events(new RecordingPublisher()).failed(detail.metadata, record, {
      reason: 'boot_timeout',
      message: 'The app did not answer /health in 15m',
      hints: [],
    });

    // Assess
    expect(lines).toHaveLength(1);
    expect(metricOf(lines[0] as Emf)?.Dimensions[0]).toEqual(
      expect.arrayContaining(['service', 'stage', 'reason']),
    );
    expect(lines[0]).toMatchObject({ reason: 'boot_timeout', DeploymentFailed: 1 });
  });

  it('counts nothing when the event could not be published', async () => {
    // Prepare
    const { lines, events } = capturingMetrics();
    const publisher = new RecordingPublisher();
    publisher.failNext = 1;
    const detail = resolvedDetail();

    // Act
    const launch = events(publisher).launched(detail, newRecord(detail, REQUESTED), instance);

    // Assess
    await expect(launch).rejects.toThrow('EventBridge is down');
    expect(lines).toEqual([]);
  });
});
