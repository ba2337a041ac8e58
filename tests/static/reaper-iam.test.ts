/**
 * The reaper's packaged template (`npm run package`, stage `local`): least-privilege IAM
 * (docs/architecture.md §6, §7). The seed's terminator could end every instance in the region; this one may
 * only end instances tagged ManagedBy=branch-envs, and the policy itself says so.
 */
import {
  conditionValue,
  ec2MutationsWithoutTagCondition,
  type Statement,
  templateStatements,
  wildcardActions,
  writesOnEverything,
} from '../../services/reaper/tests/helpers/iamPolicy';
import { type CfnTemplate, readTemplate } from '../helpers/templates';

/** `${name}` as CloudFormation writes it (kept out of plain strings for the linter). */
const sub = (name: string): string => `\${${name}}`;

describe('reaper template: IAM', () => {
  let template: CfnTemplate;
  let statements: Statement[];

  beforeAll(() => {
    // Prepare
    template = readTemplate('reaper');
    statements = templateStatements(template.Resources).map((s) => s.statement);
  });

  const allowing = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action));

  it('grants no EC2 mutation without the ManagedBy tag condition, and none on Resource "*"', () => {
    // Act + Assess
    expect(ec2MutationsWithoutTagCondition(statements)).toEqual([]);
  });

  it('would flag a TerminateInstances on "*" without the condition (the check itself works)', () => {
    // Prepare
    const seedLike: Statement = { Effect: 'Allow', Action: ['ec2:TerminateInstances'], Resource: '*' };
    const taggedButEverything: Statement = {
      Effect: 'Allow',
      Action: 'ec2:TerminateInstances',
      Resource: '*',
      Condition: { StringEquals: { 'ec2:ResourceTag/ManagedBy': 'branch-envs' } },
    };
    const wildcard: Statement = { Effect: 'Allow', Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:instance/*' };

    // Act
    const flagged = ec2MutationsWithoutTagCondition([seedLike, taggedButEverything, wildcard]);

    // Assess
    expect(flagged).toEqual([seedLike, taggedButEverything, wildcard]);
  });

  it("terminates only this stage's instances tagged ManagedBy=branch-envs", () => {
    // Act
    const terminates = allowing('ec2:TerminateInstances');

    // Assess
    expect(terminates).toHaveLength(1);
    expect(terminates[0]).toMatchObject({
      Resource: {
        'Fn::Sub': expect.stringMatching(/:ec2:\$\{AWS::Region\}:\$\{AWS::AccountId\}:instance\/\*$/),
      },
    });
    expect(conditionValue(terminates[0] as Statement, 'ec2:ResourceTag/ManagedBy')).toBe('branch-envs');
    expect(conditionValue(terminates[0] as Statement, 'ec2:ResourceTag/Stage')).toBe('local');
  });

  it('grants no wildcard action, and "*" resources only to read-only DescribeInstances', () => {
    // Act + Assess
    expect(wildcardActions(statements)).toEqual([]);
    expect(writesOnEverything(statements)).toEqual([]);
    expect(statements.filter((s) => [s.Resource].flat().includes('*')).map((s) => s.Action)).toEqual([
      ['ec2:DescribeInstances'],
    ]);
  });

  it('writes only the deployments table, the idempotency table and the bus of its own stage', () => {
    // Act
    const resources = statements
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:') || a.startsWith('events:')))
      .map((s) => JSON.stringify(s.Resource));

    // Assess
    expect(resources).toHaveLength(4);
    for (const resource of resources) {
      expect(resource).toMatch(/branch-envs-local-(deployments(\/index\/\*)?|idempotency|bus)"/);
    }
  });

  it('lets only Lambda assume the role that may terminate instances', () => {
    // Act
    const trust = template.Resources.IamRoleLambdaExecution?.Properties?.AssumeRolePolicyDocument;

    // Assess
    expect(JSON.stringify(trust)).not.toContain('scheduler.amazonaws.com');
    expect(JSON.stringify(trust)).toContain('lambda.amazonaws.com');
  });

  it('gives Scheduler its own role that can only invoke the nightly function', () => {
    // Act
    const schedulerStatements = templateStatements({
      NightlySchedulerRole: template.Resources.NightlySchedulerRole ?? { Type: 'missing' },
    }).map((s) => s.statement);

    // Assess
    expect(schedulerStatements).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: [
          { 'Fn::GetAtt': ['NightlyLambdaFunction', 'Arn'] },
          { 'Fn::Sub': `${sub('NightlyLambdaFunction.Arn')}:*` },
        ],
      }),
    ]);
  });
});
