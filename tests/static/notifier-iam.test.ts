/**
 * What the notifier's packaged stack may do, checked on the template `npm run package` produced
 * (services/notifier/.serverless). Least privilege (docs/architecture.md §7): its own table, the idempotency table,
 * three named secrets, its own queue; nothing on `*`, and no EC2 or deployments-table access at all.
 */
import {
  asList,
  type CfnResource,
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

const only = (template: CfnTemplate, type: string): CfnResource => {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return (found[0] as { resource: CfnResource }).resource;
};

describe('notifier template', () => {
  let template: CfnTemplate;
  let statements: IamStatement[];

  beforeAll(() => {
    // Prepare
    template = readTemplate('notifier');
    statements = roleStatements(template);
  });

  it('passes cfn-lint without errors', () => {
    // Act
    const errors = runCfnLint([templatePath('notifier')]).filter((finding) => finding.Level === 'Error');

    // Assess
    expect(errors.map(formatFinding)).toEqual([]);
  }, 120_000);

  it('grants no wildcard action and no action on every resource', () => {
    // Act
    const actions = statements.flatMap((s) => asList(s.Action));
    const onEverything = statements.filter((s) => asList(s.Resource).includes('*'));

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(onEverything).toEqual([]);
  });

  it('touches no EC2 and never writes or scans the deployments table', () => {
    // Act
    const actions = statements.flatMap((s) => asList(s.Action));
    const resources = JSON.stringify(statements.map((s) => s.Resource));

    // Assess
    expect(actions.filter((action) => action.startsWith('ec2:'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(resources).not.toContain(`${prefix}-deployments`);
  });

  it('reads exactly its three secrets, and nothing else from SSM', () => {
    // Act
    const ssm = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('ssm:')));

    // Assess
    expect(ssm.flatMap((s) => asList(s.Action))).toEqual(['ssm:GetParameter']);
    expect(JSON.stringify(ssm[0]?.Resource)).toEqual(
      JSON.stringify(
        ['slack/bot-token', 'slack/webhook-url', 'github/token'].map((name) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/branch-envs/${PACKAGED_STAGE}/${name}`,
        })),
      ),
    );
  });

  it('limits DynamoDB to its own table and the idempotency table', () => {
    // Act
    const dynamo = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));

    // Assess
    expect(dynamo.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': ['MessagesTable', 'Arn'] },
      {
        'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${prefix}-idempotency`,
      },
    ]);
    expect(asList(dynamo[0]?.Action ?? [])).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });

  it('runs one notify function on nodejs22.x with partial batch responses from its queue', () => {
    // Act
    const fn = only(template, 'AWS::Lambda::Function');
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping');

    // Assess
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'src/handlers/notify.handler' });
    expect(fn.Properties?.FunctionName).toBe('branch-envs-notifier-local-notify');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('sends failing records to its DLQ after five receives, with a visibility timeout of 6 x the timeout', () => {
    // Act
    const fn = only(template, 'AWS::Lambda::Function');
    const queue = template.Resources.Queue;

    // Assess
    expect(queue?.Properties?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(queue?.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(fn.Properties?.Timeout));
  });

  it('lets only its own rule send to its queue', () => {
    // Act
    const policy = only(template, 'AWS::SQS::QueuePolicy');
    const statement = (policy.Properties?.PolicyDocument as { Statement: IamStatement[] }).Statement[0];

    // Assess
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['Rule', 'Arn'] } } },
    });
  });

  it('keys its state table by deployId, with TTL and encryption', () => {
    // Act
    const table = template.Resources.MessagesTable;

    // Assess
    expect(table?.Properties).toMatchObject({
      TableName: `${prefix}-notifier-messages`,
      KeySchema: [{ AttributeName: 'deployId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});
