/**
 * What the packaged branch-resolver stack may do (docs/architecture.md §7: least privilege) and how its queue is
 * wired. Reads services/branch-resolver/.serverless/ as `npm run package` leaves it (stage local).
 */
import {
  asList,
  type CfnTemplate,
  formatFinding,
  type IamStatement,
  PACKAGED_STAGE,
  readTemplate,
  resourcesOfType,
  roleStatements,
  runCfnLint,
  templatePath,
} from '../helpers/templates';

const prefix = `branch-envs-${PACKAGED_STAGE}`;
/** An ARN as written in the template: a plain string, `Fn::Sub` or `Fn::GetAtt`, flattened to text. */
const arnText = (resource: unknown): string => JSON.stringify(resource);

const grants = (template: CfnTemplate): { action: string; resource: string }[] =>
  roleStatements(template).flatMap((s) =>
    asList(s.Action).flatMap((action) =>
      asList(s.Resource).map((resource) => ({ action, resource: arnText(resource) })),
    ),
  );

describe('branch-resolver template', () => {
  let template: CfnTemplate;

  beforeAll(() => {
    // Prepare
    template = readTemplate('branch-resolver');
  });

  const only = (type: string) => {
    const found = resourcesOfType(template, type);
    expect(found).toHaveLength(1);
    return found[0] as (typeof found)[number];
  };

  it('passes cfn-lint without errors', () => {
    // Act
    const errors = runCfnLint([templatePath('branch-resolver')]).filter((f) => f.Level === 'Error');

    // Assess
    expect(errors.map(formatFinding)).toEqual([]);
  }, 120_000);

  it('grants no wildcard action and no wildcard resource', () => {
    // Act
    const all = grants(template);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((g) => g.action.includes('*'))).toEqual([]);
    expect(all.filter((g) => g.resource === '"*"')).toEqual([]);
    expect(roleStatements(template).every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('grants exactly what the resolver does', () => {
    // Act
    const actions = [...new Set(grants(template).map((g) => g.action))].sort();

    // Assess
    expect(actions).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:TagResource',
        's3:GetObject',
        's3:ListBucket',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'ssm:GetParameter',
      ].sort(),
    );
  });

  it('queries the deployments table only through its branch index, gets by key, writes claims and rejections', () => {
    // Act
    const onDeployments = grants(template).filter((g) => g.resource.includes(`${prefix}-deployments`));

    // Assess
    const table = expect.stringContaining(`table/${prefix}-deployments"`);
    expect(onDeployments).toEqual([
      {
        action: 'dynamodb:Query',
        resource: expect.stringContaining(`table/${prefix}-deployments/index/branch-createdAt"`),
      },
      { action: 'dynamodb:GetItem', resource: table },
      { action: 'dynamodb:PutItem', resource: table },
      { action: 'dynamodb:UpdateItem', resource: table },
    ]);
  });

  it('may put only branch claims and may update anything but a claim', () => {
    // Act
    const bySid = new Map(roleStatements(template).map((s) => [s.Sid, s]));

    // Assess
    expect(bySid.get('ClaimBranches')?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['branch#*'] },
    });
    expect(bySid.get('RejectRequests')?.Condition).toEqual({
      'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['branch#*'] },
    });
  });

  it('writes only its idempotency records, its own cache table, and claims and rejections', () => {
    // Act
    const writes = grants(template).filter((g) => /dynamodb:(PutItem|UpdateItem|DeleteItem)/.test(g.action));

    // Assess
    for (const write of writes) {
      expect(
        write.resource.includes(`table/${prefix}-idempotency"`) ||
          write.resource.includes(`table/${prefix}-deployments"`) ||
          write.resource.includes('ResolverCacheTable'),
      ).toBe(true);
    }
    expect(writes.filter((w) => w.resource.includes('ResolverCacheTable')).map((w) => w.action)).toEqual([
      'dynamodb:PutItem',
    ]);
  });

  it('publishes only on the branch-envs bus', () => {
    // Act
    const publish = grants(template).filter((g) => g.action === 'events:PutEvents');

    // Assess
    expect(publish).toEqual([
      { action: 'events:PutEvents', resource: expect.stringContaining(`event-bus/${prefix}-bus"`) },
    ]);
  });

  it('reads artifacts only under their prefix, and only the GitHub token from SSM', () => {
    // Act
    const all = grants(template);

    // Assess
    expect(all.filter((g) => g.action === 's3:GetObject').map((g) => g.resource)).toEqual([
      expect.stringContaining(`s3:::${prefix}-artifacts/build-artifacts/*"`),
    ]);
    expect(all.filter((g) => g.action === 's3:ListBucket').map((g) => g.resource)).toEqual([
      expect.stringContaining(`s3:::${prefix}-artifacts"`),
    ]);
    expect(all.filter((g) => g.action === 'ssm:GetParameter').map((g) => g.resource)).toEqual([
      expect.stringContaining(`parameter/branch-envs/${PACKAGED_STAGE}/github/token"`),
    ]);
  });

  it('points every artifact key template inside the prefix the role may read', () => {
    // Prepare
    const env = only('AWS::Lambda::Function').resource.Properties?.Environment as {
      Variables: Record<string, string>;
    };
    const readable = grants(template).find((g) => g.action === 's3:GetObject')?.resource ?? '';
    const readablePrefix = /s3:::[^/]+\/([^"*]*)\*"/.exec(readable)?.[1];

    // Act
    const templates = env.Variables.ARTIFACT_KEYS?.split(',') ?? [];

    // Assess
    expect(readablePrefix).toBe('build-artifacts/');
    expect(templates.length).toBeGreaterThan(0);
    for (const key of templates) expect(key.startsWith(readablePrefix ?? '?')).toBe(true);
  });

  it('redrives to a DLQ after as many deliveries as the function treats as its last', () => {
    // Prepare
    const fn = only('AWS::Lambda::Function').resource.Properties ?? {};
    const env = (fn.Environment as { Variables: Record<string, string> }).Variables;
    const queue = resourcesOfType(template, 'AWS::SQS::Queue').find(({ logicalId }) => logicalId === 'Queue');

    // Act
    const props = queue?.resource.Properties ?? {};
    const redrive = props.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };

    // Assess
    expect(redrive.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    expect(String(redrive.maxReceiveCount)).toBe(env.MAX_RECEIVE_COUNT);
    expect(Number(props.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(fn.Timeout));
  });

  it('keeps requests fresh for longer than the retries of one take, so the last one answers upstream_error', () => {
    // Prepare
    const env = (
      only('AWS::Lambda::Function').resource.Properties?.Environment as { Variables: Record<string, string> }
    ).Variables;
    const queue = resourcesOfType(template, 'AWS::SQS::Queue').find(({ logicalId }) => logicalId === 'Queue');

    // Act
    const retrySpan =
      (Number(env.MAX_RECEIVE_COUNT) - 1) * Number(queue?.resource.Properties?.VisibilityTimeout);

    // Assess
    expect(Number(env.MAX_REQUEST_AGE_SECONDS)).toBeGreaterThan(retrySpan);
  });

  it('consumes its queue with partial batch responses', () => {
    // Act
    const mapping = only('AWS::Lambda::EventSourceMapping').resource.Properties;

    // Assess
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('routes its rule from the bus to its queue, which only that rule may send to', () => {
    // Act
    const rule = only('AWS::Events::Rule');
    const policy = only('AWS::SQS::QueuePolicy').resource.Properties as {
      PolicyDocument: { Statement: IamStatement[] };
    };

    // Assess
    expect(rule.resource.Properties).toMatchObject({
      EventBusName: `${prefix}-bus`,
      Targets: [{ Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }],
    });
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule.logicalId, 'Arn'] } } },
      }),
    ]);
  });

  it('owns a GitHub response cache keyed by URL, purged by TTL', () => {
    // Act
    const table = only('AWS::DynamoDB::Table').resource.Properties;

    // Assess
    expect(table).toMatchObject({
      TableName: `${prefix}-resolver-cache`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'url', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('raises an alarm as soon as anything lands in the DLQ', () => {
    // Act
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ({ resource }) => resource.Properties?.Namespace === 'AWS/SQS',
    );
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]?.resource.Properties;

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});
