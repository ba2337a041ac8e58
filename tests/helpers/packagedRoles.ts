/**
 * Every IAM role of the packaged stacks with the policies it would carry in AWS, intrinsics resolved,
 * for the IAM decision matrix (tests/static/iamMatrix.test.ts, ADR 0010).
 *
 * The templates come from `npm run package` (stage `local`). Conditional IAM resources are evaluated
 * with the template parameters a real deployment uses for its widest grant (an instance profile, the
 * probe in a VPC), so the matrix judges what AWS would get, not what the local stack skips.
 */
import { join } from 'node:path';
import { type CfnResource, type PackagedStack, readPackagedStack } from '../../local/src/templates/cfnTypes';
import {
  createStackContext,
  MOTO_ACCOUNT_ID,
  type StackContext,
} from '../../local/src/templates/stackContext';
import { listStacks, PACKAGED_REGION, repoRoot, TemplateError } from './templates';

export const MATRIX_ACCOUNT_ID = MOTO_ACCOUNT_ID;
export const MATRIX_REGION = PACKAGED_REGION;

/** Template parameters as a deployment to AWS sets them, where the packaged (local) default differs. */
export const DEPLOYED_PARAMETERS: Record<string, Record<string, string>> = {
  provisioner: {
    CreateInstanceProfile: 'true',
    ProbeSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
    ProbeSecurityGroupId: 'sg-0cccccccccccccccc',
  },
};

export interface PolicyDocument {
  Version?: string;
  Statement: unknown[];
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/**
 * A role, or a managed policy of a stack (judged as a user holding only that policy: CI's upload
 * policy is attached outside the stacks).
 */
export interface PackagedRole {
  /** `<service>/<logicalId>`, e.g. `provisioner/InstanceRole`. */
  id: string;
  arn: string;
  /** Inline policies, `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources attached to it. */
  policies: NamedPolicy[];
  /** Who may assume the role (absent for a managed policy's holder). */
  trust?: PolicyDocument;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const withDeployedParameters = (service: string, stack: PackagedStack): PackagedStack => {
  const overrides = DEPLOYED_PARAMETERS[service] ?? {};
  const parameters = { ...(stack.template.Parameters ?? {}) };
  for (const [name, value] of Object.entries(overrides)) {
    if (!parameters[name]) throw new TemplateError(`${service} has no template parameter ${name}`);
    parameters[name] = { ...parameters[name], Default: value };
  }
  return { ...stack, template: { ...stack.template, Parameters: parameters } };
};

const policyDocument = (value: unknown, where: string): PolicyDocument => {
  if (!isRecord(value) || !Array.isArray(value.Statement))
    throw new TemplateError(`${where}: a policy document without a Statement list`);
  return value as unknown as PolicyDocument; // shape checked above; the evaluator validates the rest
};

const includedOfType = (ctx: StackContext, types: string[]): [string, CfnResource][] =>
  Object.entries(ctx.stack.template.Resources).filter(
    ([logicalId, resource]) => types.includes(resource.Type) && ctx.isIncluded(logicalId),
  );

/** The logical ids of the roles a policy resource names, by `Ref` or by the role's resolved name. */
const attachedRoleIds = (ctx: StackContext, roles: unknown, roleNames: Map<string, string>): string[] =>
  asList(roles).map((role) => {
    if (isRecord(role) && typeof role.Ref === 'string' && roleNames.has(role.Ref)) return role.Ref;
    const name = ctx.resolveString(role, 'Roles');
    const found = [...roleNames].find(([, roleName]) => roleName === name);
    if (!found)
      throw new TemplateError(`${ctx.stack.stackName}: a policy is attached to unknown role ${name}`);
    return found[0];
  });

const inlinePolicies = (ctx: StackContext, logicalId: string, props: Record<string, unknown>) =>
  asList(props.Policies).map((policy, index): NamedPolicy => {
    const resolved = ctx.resolve(policy);
    const where = `${logicalId}.Policies[${index}]`;
    if (!isRecord(resolved)) throw new TemplateError(`${where} is not a policy`);
    return { name: String(resolved.PolicyName), document: policyDocument(resolved.PolicyDocument, where) };
  });

/**
 * A managed policy ARN the matrix cannot read (an AWS managed policy) would hide grants from it, so it
 * is an error: write the statements out in the template instead, as the instance role does.
 */
const localManagedPolicies = (ctx: StackContext, logicalId: string, props: Record<string, unknown>) =>
  asList(props.ManagedPolicyArns).map((arn): string => {
    const target =
      isRecord(arn) && typeof arn.Ref === 'string' ? ctx.stack.template.Resources[arn.Ref] : undefined;
    if (target?.Type === 'AWS::IAM::ManagedPolicy' && isRecord(arn)) return String(arn.Ref);
    throw new TemplateError(
      `${ctx.stack.stackName}/${logicalId} attaches ${JSON.stringify(arn)}, which the IAM matrix cannot evaluate`,
    );
  });

const managedPolicyOf = (ctx: StackContext, logicalId: string): NamedPolicy => {
  const props = ctx.stack.template.Resources[logicalId]?.Properties ?? {};
  const name = String(ctx.resolve(props.PolicyName ?? props.ManagedPolicyName ?? logicalId));
  return { name, document: policyDocument(ctx.resolve(props.PolicyDocument), logicalId) };
};

/** `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources by the role logical ids they name. */
const attachedPolicies = (ctx: StackContext, roleIds: string[]): Map<string, NamedPolicy[]> => {
  const roleNames = new Map(roleIds.map((logicalId) => [logicalId, ctx.physical(logicalId).name]));
  const attached = new Map<string, NamedPolicy[]>(roleIds.map((logicalId) => [logicalId, []]));
  for (const [policyId, policy] of includedOfType(ctx, ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'])) {
    const named = managedPolicyOf(ctx, policyId);
    for (const roleId of attachedRoleIds(ctx, policy.Properties?.Roles, roleNames)) {
      attached.get(roleId)?.push(named);
    }
  }
  return attached;
};

/** Each managed policy on its own, as held by a user (CI's upload policy is attached to one). */
const managedPolicyHolders = (service: string, ctx: StackContext): PackagedRole[] =>
  includedOfType(ctx, ['AWS::IAM::ManagedPolicy']).map(([logicalId]) => ({
    id: `${service}/${logicalId}`,
    arn: `arn:aws:iam::${MATRIX_ACCOUNT_ID}:user/holder-of-${logicalId}`,
    policies: [managedPolicyOf(ctx, logicalId)],
  }));

const rolesOfStack = (service: string, ctx: StackContext): PackagedRole[] => {
  const roles = includedOfType(ctx, ['AWS::IAM::Role']);
  const attached = attachedPolicies(
    ctx,
    roles.map(([logicalId]) => logicalId),
  );
  const withRoles = roles.map(([logicalId, role]): PackagedRole => {
    const props = role.Properties ?? {};
    const byArn = localManagedPolicies(ctx, logicalId, props).map((id) => managedPolicyOf(ctx, id));
    return {
      id: `${service}/${logicalId}`,
      arn: ctx.physical(logicalId).attributes.Arn ?? '',
      policies: [...inlinePolicies(ctx, logicalId, props), ...(attached.get(logicalId) ?? []), ...byArn],
      trust: policyDocument(
        ctx.resolve(props.AssumeRolePolicyDocument),
        `${logicalId}.AssumeRolePolicyDocument`,
      ),
    };
  });
  return [...managedPolicyHolders(service, ctx), ...withRoles];
};

const account = () => ({
  region: MATRIX_REGION,
  accountId: MATRIX_ACCOUNT_ID,
  motoEndpoint: 'http://127.0.0.1:5000',
  httpApiUrl: `https://api.execute-api.${MATRIX_REGION}.amazonaws.com`,
  exports: new Map<string, string>(),
});

/** The roles of one packaged stack, its parameters set as a deployment sets them. */
export const rolesOfPackagedStack = (service: string, stack: PackagedStack): PackagedRole[] =>
  rolesOfStack(service, createStackContext(withDeployedParameters(service, stack), account()));

export interface PackagedContext {
  service: string;
  ctx: StackContext;
}

/** One intrinsics resolver per packaged stack, its parameters set as a deployment sets them. */
export const packagedContexts = (): PackagedContext[] =>
  listStacks().map((service) => {
    const stack = readPackagedStack(join(repoRoot, 'services', service));
    return { service, ctx: createStackContext(withDeployedParameters(service, stack), account()) };
  });

/** The roles of every packaged stack, keyed by `<service>/<logicalId>`. */
export const loadPackagedRoles = (
  contexts: PackagedContext[] = packagedContexts(),
): Map<string, PackagedRole> => {
  const roles = new Map<string, PackagedRole>();
  for (const { service, ctx } of contexts) {
    for (const role of rolesOfStack(service, ctx)) roles.set(role.id, role);
  }
  return roles;
};

/** Resources of some types that a stack includes, for other template readers of the matrix. */
export const includedResources = (ctx: StackContext, types: string[]): [string, CfnResource][] =>
  includedOfType(ctx, types);

export { isRecord, policyDocument };
