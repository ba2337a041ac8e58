/**
 * The IAM decision matrix (issue 14, ADR 0010): every role's policies, read from the packaged
 * templates of all six stacks, judged by a real IAM policy evaluator against the table in
 * iamMatrix.cases.ts. Run `npm run package` first (`npm test` does so before jest).
 */
import { decide, decideAssume, meets } from '../helpers/iamDecisions';
import { loadResourcePolicies } from '../helpers/packagedResourcePolicies';
import {
  loadPackagedRoles,
  type PackagedRole,
  packagedContexts,
  rolesOfPackagedStack,
} from '../helpers/packagedRoles';
import { ATTACHED_LATER, MATRIX, ROLES, type RoleName, type Row } from './iamMatrix.cases';
import { SERVICE_ROWS, type ServiceRow, TRUST_ROWS, type TrustRow } from './iamMatrix.serviceCases';

const contexts = packagedContexts();
const roles = loadPackagedRoles(contexts);
const resourcePolicies = loadResourcePolicies(contexts);

const packaged = (name: RoleName): PackagedRole => {
  if (name in ATTACHED_LATER) {
    const { role, ...policy } = ATTACHED_LATER[name as keyof typeof ATTACHED_LATER];
    const base = packaged(role);
    return { ...base, id: `${base.id} + ${policy.name}`, policies: [...base.policies, policy] };
  }
  const id = ROLES[name as keyof typeof ROLES];
  const found = roles.get(id);
  if (!found) throw new Error(`no packaged role ${id} (matrix name ${name})`);
  return found;
};

describe('IAM decision matrix', () => {
  it('names every packaged role, so each new role gets rows', () => {
    // Assess
    expect([...roles.keys()].sort()).toEqual(Object.values(ROLES).sort());
  });

  it('has at least 60 rows, and rows for every role', () => {
    // Assess
    expect(MATRIX.length).toBeGreaterThanOrEqual(60);
    expect(new Set(MATRIX.map(([, role]) => role))).toEqual(
      new Set([...Object.keys(ROLES), ...Object.keys(ATTACHED_LATER)]),
    );
  });

  it('has no row twice', () => {
    // Act
    const keys = MATRIX.map(([, role, action, resource, , context, resourcePolicy]) =>
      JSON.stringify([role, action, resource, context ?? {}, resourcePolicy ?? null]),
    );

    // Assess
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it.each(MATRIX)('%s (%s: %s on %s) → %s', async (...row: Row) => {
    // Prepare
    const [, name, action, resource, expected, context, resourcePolicy] = row;

    // Act
    const decision = await decide(packaged(name), {
      action,
      resource,
      context,
      resourcePolicy: resourcePolicy ?? resourcePolicies.of(resource),
    });

    // Assess: on a mismatch jest shows the evaluator's decision against the row's
    expect(meets(decision, expected) ? expected : decision).toBe(expected);
  });
});

describe('IAM decision matrix: who may assume each role', () => {
  it.each(TRUST_ROWS)('%s (%s, assumed by %s) → %s', async (...row: TrustRow) => {
    // Prepare
    const [, name, principal, expected, context] = row;

    // Act
    const decision = await decideAssume(packaged(name), principal, context);

    // Assess
    expect(meets(decision, expected) ? expected : decision).toBe(expected);
  });
});

describe("IAM decision matrix: AWS services on the stacks' resources", () => {
  it.each(SERVICE_ROWS)('%s (%s: %s on %s) → %s', async (...row: ServiceRow) => {
    // Prepare: a service principal has no identity policies; the resource's own policy decides
    const [, principal, action, resource, expected, context] = row;
    const service = { id: principal, arn: principal, policies: [] };

    // Act
    const decision = await decide(service, {
      action,
      resource,
      context,
      resourcePolicy: resourcePolicies.of(resource),
    });

    // Assess
    expect(meets(decision, expected) ? expected : decision).toBe(expected);
  });
});

describe('IAM decision matrix: no row passes for the wrong reason', () => {
  const stackWithRole = (properties: Record<string, unknown>) => ({
    stackName: 'branch-envs-fixture-local',
    serviceDir: '/nowhere',
    stage: 'local',
    template: { Resources: { FixtureRole: { Type: 'AWS::IAM::Role', Properties: properties } } },
  });

  it('refuses a context key that does not exist for the request (a typo would read as "no tag")', async () => {
    // Prepare
    const request = {
      action: 'ec2:TerminateInstances',
      resource: `arn:aws:ec2:eu-north-1:123456789012:instance/i-0123456789abcdef0`,
      context: { 'ec2:ResourceTags/Stage': 'local' },
    };

    // Act + Assess
    await expect(decide(packaged('reaper'), request)).rejects.toThrow(/ec2:ResourceTags\/Stage do not apply/);
  });

  it('refuses kms:EncryptionContext:<key>, which iam-simulate 0.1.173 leaves out of its decisions', async () => {
    // Prepare: the evaluator matches variable keys only after a slash (aws:RequestTag/<key>)
    const request = {
      action: 'kms:Decrypt',
      resource: 'arn:aws:kms:eu-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      context: { 'kms:EncryptionContext:PARAMETER_ARN': 'arn:aws:ssm:eu-north-1:123456789012:parameter/x' },
    };

    // Act + Assess: when an upgrade evaluates it, this fails and ADR 0010's recipe can gain the condition
    await expect(decide(packaged('instance'), request)).rejects.toThrow(/do not apply/);
  });

  it('refuses an action AWS does not have', async () => {
    // Act + Assess
    await expect(
      decide(packaged('reaper'), { action: 'ec2:TerminateInstance', resource: '*' }),
    ).rejects.toThrow(/invalid\.action/);
  });

  it('refuses a role with an AWS managed policy, whose grants it cannot see', () => {
    // Prepare
    const stack = stackWithRole({
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    });

    // Act + Assess
    expect(() => rolesOfPackagedStack('fixture', stack)).toThrow(
      /AmazonSSMManagedInstanceCore.*cannot evaluate/,
    );
  });

  it('judges a policy attached to a role by an AWS::IAM::Policy resource as part of that role', () => {
    // Assess: the provisioner's PassRole grant lives in PassInstanceRolePolicy, not in the role
    expect(packaged('provisioner').policies.map((policy) => policy.name)).toContain('pass-instance-role');
  });
});
