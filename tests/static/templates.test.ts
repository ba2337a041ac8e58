/**
 * Static checks on what `npm run package` produced for every stack. Run `npm run package` first
 * (`npm test` does so before jest); the stage must be the default, `local`.
 */
import { existsSync } from 'node:fs';
import {
  type CfnLintFinding,
  type CfnTemplate,
  formatFinding,
  listStacks,
  PACKAGED_STAGE,
  readTemplate,
  resourcesOfType,
  resourceWithProperty,
  runCfnLint,
  templatePath,
} from '../helpers/templates';

const LAMBDA_RUNTIME = 'nodejs22.x';
const prefix = `branch-envs-${PACKAGED_STAGE}`;
const stacks = listStacks();

describe('packaged CloudFormation templates', () => {
  let findings: CfnLintFinding[] = [];

  beforeAll(() => {
    // Prepare: one cfn-lint process for all templates; a missing template fails its own test below.
    findings = runCfnLint(stacks.map(templatePath).filter((path) => existsSync(path)));
  }, 120_000);

  it('includes the platform stack', () => {
    // Assess
    expect(stacks).toContain('platform');
  });

  it.each(stacks)('has a packaged template for %s', (service) => {
    // Act + Assess: readTemplate's error says to run `npm run package`.
    expect(() => readTemplate(service)).not.toThrow();
  });

  it.each(stacks)('finds no cfn-lint errors in the template of %s', (service) => {
    // Act
    const errors = findings.filter(
      (finding) => finding.Filename === templatePath(service) && finding.Level === 'Error',
    );

    // Assess
    if (errors.length > 0)
      console.error(`cfn-lint errors in ${service}:\n${errors.map(formatFinding).join('\n')}`);
    expect(errors.map(formatFinding)).toEqual([]);
  });

  it.each(stacks)('runs every Lambda function of %s on nodejs22.x', (service) => {
    // Prepare
    const template = readTemplate(service);

    // Act
    const wrongRuntimes = resourcesOfType(template, 'AWS::Lambda::Function')
      .filter(({ resource }) => resource.Properties?.Runtime !== LAMBDA_RUNTIME)
      .map(({ logicalId, resource }) => `${logicalId}: ${String(resource.Properties?.Runtime)}`);

    // Assess
    expect(wrongRuntimes).toEqual([]);
  });
});

describe('platform template', () => {
  let template: CfnTemplate;

  beforeAll(() => {
    // Prepare
    template = readTemplate('platform');
  });

  const deploymentsTable = () =>
    resourceWithProperty(template, 'AWS::DynamoDB::Table', 'TableName', `${prefix}-deployments`).resource;
  const gsi = (name: string, hash: string, range: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' },
      { AttributeName: range, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  });

  it('names the event bus by the stage convention', () => {
    // Act
    const buses = resourcesOfType(template, 'AWS::Events::EventBus');

    // Assess
    expect(buses.map(({ resource }) => resource.Properties?.Name)).toEqual([`${prefix}-bus`]);
  });

  it('archives every branch-envs event from the bus', () => {
    // Act
    const archives = resourcesOfType(template, 'AWS::Events::Archive');
    const bus = resourcesOfType(template, 'AWS::Events::EventBus')[0];

    // Assess
    expect(archives).toHaveLength(1);
    expect(archives[0]?.resource.Properties).toMatchObject({
      ArchiveName: `${prefix}-archive`,
      SourceArn: { 'Fn::GetAtt': [bus?.logicalId, 'Arn'] },
      RetentionDays: 30,
      EventPattern: { source: [{ prefix: 'branch-envs.' }] },
    });
  });

  it('keys the deployments table by deployId with exactly the three GSIs of the design', () => {
    // Act
    const properties = deploymentsTable().Properties;

    // Assess
    expect(properties?.KeySchema).toEqual([{ AttributeName: 'deployId', KeyType: 'HASH' }]);
    expect(properties?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(properties?.GlobalSecondaryIndexes).toHaveLength(3);
    expect(properties?.GlobalSecondaryIndexes).toEqual(
      expect.arrayContaining([
        gsi('status-expiresAt', 'status', 'expiresAt'),
        gsi('ownerId-createdAt', 'ownerId', 'createdAt'),
        gsi('branch-createdAt', 'branch', 'createdAt'),
      ]),
    );
    expect(properties?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'expiresAt', AttributeType: 'N' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
      ]),
    );
  });

  it('purges finished deployments through TTL on the ttl attribute', () => {
    // Assess
    expect(deploymentsTable().Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: 'ttl',
      Enabled: true,
    });
  });

  it('turns on point-in-time recovery and encryption for the deployments table', () => {
    // Act
    const properties = deploymentsTable().Properties;

    // Assess
    expect(properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(properties?.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('keeps both tables when the stack is deleted or the table replaced', () => {
    // Act
    const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');

    // Assess
    expect(tables).toHaveLength(2);
    for (const { resource } of tables) {
      expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('gives the idempotency table the Powertools default key and TTL attribute', () => {
    // Act
    const { resource } = resourceWithProperty(
      template,
      'AWS::DynamoDB::Table',
      'TableName',
      `${prefix}-idempotency`,
    );

    // Assess
    expect(resource.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('exports every output under the branch-envs-local- prefix', () => {
    // Act
    const exportNames = Object.values(template.Outputs).map((output) => output.Export?.Name);

    // Assess
    expect(exportNames.length).toBeGreaterThan(0);
    for (const name of exportNames) {
      expect(name).toEqual(expect.stringMatching(new RegExp(`^${prefix}-`)));
    }
  });

  it('has no Lambda functions', () => {
    // Assess
    expect(resourcesOfType(template, 'AWS::Lambda::Function')).toEqual([]);
  });
});
