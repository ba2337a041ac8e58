import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Least privilege, checked on the statements in serverless.yml (the packaged template carries them
 * unchanged; `npm run package` + cfn-lint cover the rest). Issue item 8: PutEvents on the bus, reads on
 * the table and its indexes, GetParameter on its own secrets. Nothing more.
 */
interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const serverless = parse(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'), {
  customTags: [
    { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
    { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
    { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  ],
}) as { provider: { iam: { role: { statements: Statement[] } } } };
const statements = serverless.provider.iam.role.statements;
/** `${name}` as osls and CloudFormation write it (kept out of plain strings for the linter). */
const sub = (name: string): string => `\${${name}}`;
const STAGE = sub('sls:stage');
const arn = (service: string, resource: string) => ({
  'Fn::Sub': `arn:${sub('AWS::Partition')}:${service}:${sub('AWS::Region')}:${sub('AWS::AccountId')}:${resource}`,
});

describe('the IAM statements of slack-ingress', () => {
  it("grant exactly PutEvents, GetItem, the request-record writes, Query, the home consumer's idempotency records and GetParameter, each on its own resource", () => {
    // Assess
    expect(statements).toEqual([
      {
        Sid: 'PublishRequests',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: arn('events', `event-bus/branch-envs-${STAGE}-bus`),
      },
      {
        Sid: 'GetDeployment',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: arn('dynamodb', `table/branch-envs-${STAGE}-deployments`),
      },
      {
        Sid: 'OpenRequestRecords',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: arn('dynamodb', `table/branch-envs-${STAGE}-deployments`),
        Condition: { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': ['branch#*'] } },
      },
      {
        Sid: 'QueryDeploymentIndexes',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: arn('dynamodb', `table/branch-envs-${STAGE}-deployments/index/*`),
      },
      {
        Sid: 'Idempotency',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: arn('dynamodb', `table/branch-envs-${STAGE}-idempotency`),
      },
      {
        Sid: 'ReadOpenBranches',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: arn('dynamodb', `table/branch-envs-${STAGE}-resolver-cache`),
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['snapshot open-pulls'] } },
      },
      {
        Sid: 'ReadSlackSecrets',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: [
          arn('ssm', `parameter/branch-envs/${STAGE}/slack/signing-secret`),
          arn('ssm', `parameter/branch-envs/${STAGE}/slack/bot-token`),
        ],
      },
    ]);
  });

  it('never uses a wildcard action or resource', () => {
    // Assess
    for (const statement of statements) {
      expect([statement.Action].flat().some((action) => action.includes('*'))).toBe(false);
      expect(statement.Resource).not.toBe('*');
    }
  });

  it('never reads the table beyond GetItem and Query, and writes only request records (no Scan, no claims)', () => {
    // Act
    const dynamoActions = statements
      .filter((s) => JSON.stringify(s.Resource).includes('-deployments'))
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));

    // Assess
    expect(dynamoActions.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });
});
