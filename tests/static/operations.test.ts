/**
 * What the stage config and the operations tooling promise, checked on what `npm run package`
 * produced (run it first): an alarm on every DLQ and function, a dashboard naming real queues,
 * functions and metrics, the artifact bucket and CI's upload policy, and serverless.yml files that
 * carry no setting of their own (ADR 0014).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_METRICS } from '../../shared/src/observability';
import { deadLetterQueueNames, functionNames, REAPER_METRICS } from '../../shared/src/stageConfig/dashboard';
import {
  type CfnResource,
  listStacks,
  PACKAGED_STAGE,
  readTemplate,
  repoRoot,
  resourcesOfType,
} from '../helpers/templates';

const stacks = listStacks();
const getAtt = (value: unknown): string | undefined => {
  const inner = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(inner) ? String(inner[0]) : undefined;
};

/** Logical ids of the queues a RedrivePolicy sends to, or whose name says DLQ. */
const deadLetterQueuesOf = (service: string): string[] => {
  const queues = resourcesOfType(readTemplate(service), 'AWS::SQS::Queue');
  const targets = queues.map(({ resource }) =>
    getAtt(
      (resource.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)
        ?.deadLetterTargetArn,
    ),
  );
  const named = queues.filter(({ resource }) => String(resource.Properties?.QueueName).endsWith('-dlq'));
  return [
    ...new Set([...targets.filter((t): t is string => t !== undefined), ...named.map((q) => q.logicalId)]),
  ];
};

const alarmsOf = (service: string) =>
  resourcesOfType(readTemplate(service), 'AWS::CloudWatch::Alarm').map(
    ({ resource }) => resource.Properties ?? {},
  );

const dimensionValue = (alarm: Record<string, unknown>, name: string): unknown =>
  (alarm.Dimensions as { Name: string; Value: unknown }[] | undefined)?.find((d) => d.Name === name)?.Value;

describe('alarms', () => {
  it.each(stacks)('watches every dead-letter queue of %s for anything in it', (service) => {
    // Prepare
    const alarmed = alarmsOf(service)
      .filter(
        (alarm) => alarm.Namespace === 'AWS/SQS' && alarm.MetricName === 'ApproximateNumberOfMessagesVisible',
      )
      .filter((alarm) => alarm.Threshold === 0 && alarm.ComparisonOperator === 'GreaterThanThreshold')
      .map((alarm) => getAtt(dimensionValue(alarm, 'QueueName')));

    // Act
    const unwatched = deadLetterQueuesOf(service).filter((queue) => !alarmed.includes(queue));

    // Assess
    expect(unwatched).toEqual([]);
  });

  it('finds the nine dead-letter queues the stacks have', () => {
    // Act
    const all = stacks.flatMap(deadLetterQueuesOf);

    // Assess: a DLQ-detection that found nothing would pass the test above vacuously.
    expect(all).toHaveLength(9);
  });

  it.each(stacks)('watches every function of %s for errors', (service) => {
    // Prepare
    const functions = resourcesOfType(readTemplate(service), 'AWS::Lambda::Function').map((f) => f.logicalId);
    const watched = alarmsOf(service)
      .filter((alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Errors')
      .map((alarm) => (dimensionValue(alarm, 'FunctionName') as { Ref?: string } | undefined)?.Ref);

    // Act + Assess
    expect(functions.filter((id) => !watched.includes(id))).toEqual([]);
  });

  it('gives alarms no actions when the stage config names no topic, as config/local.yml does', () => {
    // Act
    const withActions = stacks.flatMap(alarmsOf).filter((alarm) => alarm.AlarmActions !== undefined);

    // Assess
    expect(withActions).toEqual([]);
  });
});

describe('the stage dashboard', () => {
  const body = (): string => {
    const dashboard = resourcesOfType(readTemplate('platform'), 'AWS::CloudWatch::Dashboard')[0];
    return String((dashboard?.resource.Properties?.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']);
  };

  it('shows the depth of exactly the dead-letter queues the stacks create', () => {
    // Prepare
    const created = stacks.flatMap((service) => {
      const resources = readTemplate(service).Resources;
      return deadLetterQueuesOf(service).map((id) => String(resources[id]?.Properties?.QueueName));
    });

    // Act + Assess
    expect([...deadLetterQueueNames(PACKAGED_STAGE)].sort()).toEqual(created.sort());
    for (const queue of created) expect(body()).toContain(`"QueueName","${queue}"`);
  });

  it('shows the errors of exactly the functions the stacks create', () => {
    // Prepare
    const created = stacks.flatMap((service) =>
      resourcesOfType(readTemplate(service), 'AWS::Lambda::Function').map(({ resource }) =>
        String(resource.Properties?.FunctionName),
      ),
    );

    // Act + Assess
    expect([...functionNames(PACKAGED_STAGE)].sort()).toEqual(created.sort());
  });

  it('reads only metric names the services emit', () => {
    // Prepare
    const source = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
    const reaperSource = ['sweep', 'terminations', 'reconcile']
      .map((file) => source(`services/reaper/src/domain/${file}.ts`))
      .join('\n');
    const provisionerSource = source('services/provisioner/src/adapters/deployMetrics.ts');

    // Act + Assess
    for (const key of Object.keys(DEPLOY_METRICS))
      expect(provisionerSource).toContain(`DEPLOY_METRICS.${key}`);
    for (const name of REAPER_METRICS) expect(reaperSource).toContain(`count('${name}'`);
    for (const name of [...Object.values(DEPLOY_METRICS), ...REAPER_METRICS])
      expect(body()).toContain(`"${name}"`);
  });
});

describe('the artifact bucket', () => {
  const only = (type: string): CfnResource => {
    const found = resourcesOfType(readTemplate('platform'), type);
    expect(found).toHaveLength(1);
    return (found[0] as { resource: CfnResource }).resource;
  };

  it('is created encrypted, private and with old builds expiring, unless the config names one', () => {
    // Act
    const bucket = readTemplate('platform').Resources.ArtifactBucket as CfnResource;

    // Assess
    expect(bucket).toMatchObject({ Condition: 'WithArtifactBucket', DeletionPolicy: 'Retain' });
    expect(bucket.Properties).toMatchObject({
      BucketName: `branch-envs-${PACKAGED_STAGE}-artifacts`,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [{ Status: 'Enabled', Prefix: 'build-artifacts/', ExpirationInDays: 30 }],
      },
    });
  });

  it("lets CI's upload policy put objects under the prefix and nothing else", () => {
    // Act
    const policy = only('AWS::IAM::ManagedPolicy').Properties?.PolicyDocument as { Statement: unknown[] };

    // Assess
    expect(policy.Statement).toEqual([
      {
        Sid: 'PutBuildArtifacts',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:s3:::branch-envs-${PACKAGED_STAGE}-artifacts/build-artifacts/*`,
        },
      },
    ]);
  });
});
