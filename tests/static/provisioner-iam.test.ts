/**
 * The provisioner's packaged template (`npm run package`, stage `local`): least-privilege IAM
 * (docs/architecture.md §7) and the queues its readiness loop depends on.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  conditionValue,
  ec2MutationsOnEverything,
  type Statement,
  templateStatements,
  wildcardActions,
} from '../../services/provisioner/tests/helpers/iamPolicy';
import { loadPackagedRoles } from '../helpers/packagedRoles';
import { type CfnTemplate, readTemplate, repoRoot, resourcesOfType } from '../helpers/templates';

const service = 'provisioner';

describe('provisioner template: IAM', () => {
  let template: CfnTemplate;
  let statements: Statement[];

  beforeAll(() => {
    // Prepare
    template = readTemplate(service);
    statements = templateStatements(template.Resources).map((s) => s.statement);
  });

  const allowing = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action));

  it('grants no EC2 mutation on Resource "*" without a tag condition', () => {
    // Act + Assess
    expect(ec2MutationsOnEverything(statements)).toEqual([]);
  });

  it('grants no wildcard action', () => {
    // Act + Assess
    expect(wildcardActions(statements)).toEqual([]);
  });

  it('lets RunInstances create only instances and volumes tagged ManagedBy=branch-envs and the stage, from branch-envs AMIs', () => {
    // Act
    const runs = allowing('ec2:RunInstances');
    const tagged = runs.filter(
      (s) =>
        conditionValue(s, 'aws:RequestTag/ManagedBy') === 'branch-envs' &&
        conditionValue(s, 'aws:RequestTag/Stage') === 'local',
    );
    const images = runs.filter((s) => JSON.stringify(s.Resource).includes('::image/'));

    // Assess
    expect(JSON.stringify(tagged.map((s) => s.Resource))).toMatch(/instance\/\*.*volume\/\*/);
    for (const s of runs.filter((r) => !tagged.includes(r))) {
      expect(JSON.stringify(s.Resource)).not.toMatch(/:(instance|volume)\/\*/);
    }
    expect(images).toHaveLength(1);
    expect(conditionValue(images[0] as Statement, 'ec2:ResourceTag/Project')).toBe('branch-envs');
  });

  it('allows CreateTags only as part of RunInstances', () => {
    // Act
    const createTags = allowing('ec2:CreateTags');

    // Assess
    expect(createTags.length).toBeGreaterThan(0);
    for (const s of createTags) expect(conditionValue(s, 'ec2:CreateAction')).toBe('RunInstances');
  });

  it("terminates only this stage's instances tagged ManagedBy=branch-envs", () => {
    // Act
    const terminates = allowing('ec2:TerminateInstances');

    // Assess
    expect(terminates.length).toBeGreaterThan(0);
    for (const s of terminates) {
      expect(conditionValue(s, 'ec2:ResourceTag/ManagedBy')).toBe('branch-envs');
      expect(conditionValue(s, 'ec2:ResourceTag/Stage')).toBe('local');
    }
  });

  it("passes only the instances' own role, and only to EC2", () => {
    // Act
    const passRole = allowing('iam:PassRole');

    // Assess
    expect(passRole).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': ['InstanceRole', 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    ]);
  });

  it('reads only the AMI parameter and the artifact prefix', () => {
    // Act
    const ssm = allowing('ssm:GetParameter');
    const s3 = allowing('s3:GetObject');

    // Assess
    expect(JSON.stringify(ssm.map((s) => s.Resource))).toContain('parameter/branch-envs/local/ami-id');
    for (const s of s3)
      expect(JSON.stringify(s.Resource)).toContain('branch-envs-local-artifacts/build-artifacts/*');
  });
});

/** Whether an IAM resource pattern (`*` and `?` wildcards) covers an ARN. */
const covers = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  ).test(arn);

/** Whether an Allow statement's Resource (or NotResource) takes in the ARN. */
const grantsOn = (statement: Record<string, unknown>, arn: string): boolean => {
  const resources = [statement.Resource ?? []].flat().map(String);
  const excluded = [statement.NotResource ?? []].flat().map(String);
  return statement.NotResource === undefined
    ? resources.some((pattern) => covers(pattern, arn))
    : !excluded.some((pattern) => covers(pattern, arn));
};

describe('provisioner template: the instance role (ADR 0010)', () => {
  const readsParameters = (action: unknown) => /^(ssm:(GetParameter.*|\*)|\*)$/i.test(String(action));
  let statements: Record<string, unknown>[];

  beforeAll(() => {
    // Prepare: the role as deployed, with its intrinsics resolved (stage local)
    const role = loadPackagedRoles().get('provisioner/InstanceRole');
    statements = (role?.policies ?? []).flatMap(
      (policy) => policy.document.Statement as Record<string, unknown>[],
    );
  });

  it('is packaged, with an allow for its app secrets that the pattern check sees', () => {
    // Act
    const appSecret = 'arn:aws:ssm:eu-north-1:123456789012:parameter/branch-envs/local/apps/shop/DB_PASSWORD';

    // Assess
    expect(statements.some((s) => s.Effect === 'Allow' && grantsOn(s, appSecret))).toBe(true);
  });

  it('attaches no managed policy, whose grants this repository cannot see', () => {
    // Assess
    expect(readTemplate(service).Resources.InstanceRole?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it.each([
    'slack/signing-secret',
    'slack/bot-token',
    'slack/webhook-url',
    'github/token',
  ])('allows no ssm:GetParameter* on a resource covering /branch-envs/local/%s', (name) => {
    // Prepare
    const arn = `arn:aws:ssm:eu-north-1:123456789012:parameter/branch-envs/local/${name}`;

    // Act
    const grants = statements.filter(
      (s) => s.Effect === 'Allow' && [s.Action].flat().some(readsParameters) && grantsOn(s, arn),
    );

    // Assess
    expect(grants).toEqual([]);
  });
});

describe('provisioner template: queues and functions', () => {
  let template: CfnTemplate;

  beforeAll(() => {
    // Prepare
    template = readTemplate(service);
  });

  const fn = (name: string) => {
    const found = resourcesOfType(template, 'AWS::Lambda::Function').find(
      ({ resource }) => resource.Properties?.FunctionName === `branch-envs-provisioner-local-${name}`,
    );
    if (!found) throw new Error(`no function ${name}`);
    return found.resource.Properties ?? {};
  };
  const queue = (logicalId: string) => template.Resources[logicalId]?.Properties ?? {};

  it.each([
    ['provision', 'BranchResolvedQueue', 'BranchResolvedDeadLetterQueue'],
    ['probe', 'ProbeQueue', 'ProbeDeadLetterQueue'],
  ])('feeds %s from a queue with a DLQ and a visibility timeout of at least 6x its timeout', (name, queueId, dlqId) => {
    // Act
    const props = queue(queueId);

    // Assess
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(Number(props.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(fn(name).Timeout));
    const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(
      ({ resource }) =>
        JSON.stringify(resource.Properties?.EventSourceArn) ===
        JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }),
    );
    expect(mapping?.resource.Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('tells both functions where the probe queue is', () => {
    // Act + Assess
    for (const name of ['provision', 'probe']) {
      expect(fn(name).Environment).toMatchObject({ Variables: { PROBE_QUEUE_URL: { Ref: 'ProbeQueue' } } });
    }
  });

  it('ships the cloud-init profile in the package', () => {
    // Act
    const zip = join(repoRoot, 'services', service, '.serverless', 'branch-envs-provisioner.zip');
    const listing = spawnSync('unzip', ['-Z1', zip], { encoding: 'utf8' });

    // Assess
    expect(listing.status).toBe(0);
    expect(listing.stdout).toContain('cloud-init/profiles/jvm-postgres/cloud-config.yaml');
    expect(listing.stdout).toContain('cloud-init/profiles/jvm-postgres/scripts/bootstrap.sh');
  });

  it('serves the phone-home on its HTTP API, throttled, with the URL handed to the renderer', () => {
    // Act
    const [route] = resourcesOfType(template, 'AWS::ApiGatewayV2::Route');
    const [stage] = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage');
    const url = fn('provision').Environment as { Variables: Record<string, unknown> };

    // Assess
    expect(route?.resource.Properties?.RouteKey).toBe('POST /phone-home/{deployId}');
    expect(stage?.resource.Properties?.DefaultRouteSettings).toEqual({
      ThrottlingBurstLimit: 50,
      ThrottlingRateLimit: 20,
    });
    expect(url.Variables.PHONE_HOME_URL).toEqual({
      'Fn::If': [
        'PhoneHomeOn',
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }, '/phone-home']] },
        '',
      ],
    });
  });

  it('puts the phone-home in the same network as the probe, since it makes the same health check', () => {
    // Act + Assess
    expect(fn('phoneHome').VpcConfig).toEqual(fn('probe').VpcConfig);
    expect(fn('phoneHome').VpcConfig).toBeDefined();
  });
});
