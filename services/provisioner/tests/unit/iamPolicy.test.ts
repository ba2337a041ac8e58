import {
  ec2MutationsOnEverything,
  type Statement,
  templateStatements,
  wildcardActions,
} from '../helpers/iamPolicy';

const allow = (
  Action: string | string[],
  Resource: unknown,
  Condition?: Statement['Condition'],
): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});

describe('the IAM policy rules of the static test', () => {
  it('flags EC2 mutations on every resource without a tag condition', () => {
    // Prepare
    const bad = [
      allow('ec2:TerminateInstances', '*'),
      allow(['ec2:DescribeInstances', 'ec2:RunInstances'], ['*']),
      allow('ec2:*', '*'),
      allow('*', '*'),
    ];

    // Act + Assess
    expect(ec2MutationsOnEverything(bad)).toEqual(bad);
  });

  it('accepts reads on every resource, tag-conditioned mutations and mutations scoped by ARN', () => {
    // Prepare
    const good = [
      allow(['ec2:DescribeInstances', 'ec2:DescribeImages'], '*'),
      allow('ec2:TerminateInstances', '*', { StringEquals: { 'ec2:ResourceTag/ManagedBy': 'branch-envs' } }),
      allow('ec2:CreateTags', '*', { StringEquals: { 'ec2:CreateAction': 'RunInstances' } }),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JS template
      allow('ec2:RunInstances', { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}::image/*' }),
      { ...allow('ec2:TerminateInstances', '*'), Effect: 'Deny' },
    ];

    // Act + Assess
    expect(ec2MutationsOnEverything(good)).toEqual([]);
  });

  it('flags wildcard actions', () => {
    // Act + Assess
    expect(wildcardActions([allow('s3:*', 'arn:aws:s3:::b/*'), allow('s3:GetObject', '*')])).toHaveLength(1);
  });

  it('reads statements from roles and from standalone policies', () => {
    // Prepare
    const resources = {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyDocument: { Statement: [allow('sqs:SendMessage', 'arn:q')] } }] },
      },
      Extra: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyDocument: { Statement: allow('iam:PassRole', 'arn:r') } },
      },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    };

    // Act
    const statements = templateStatements(resources);

    // Assess
    expect(statements.map((s) => [s.owner, s.statement.Action])).toEqual([
      ['Role', 'sqs:SendMessage'],
      ['Extra', 'iam:PassRole'],
    ]);
  });
});
