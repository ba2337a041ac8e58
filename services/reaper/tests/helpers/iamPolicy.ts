/**
 * Reading IAM statements out of a packaged CloudFormation template, and the least-privilege rules
 * the reaper's static test applies to them (docs/architecture.md §7).
 */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface LocatedStatement {
  logicalId: string;
  statement: Statement;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const statementsOf = (document: unknown): Statement[] =>
  isRecord(document) ? ([document.Statement].flat().filter(isRecord) as unknown as Statement[]) : [];

const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']);

/** Every statement of every role, policy and managed policy in the template. */
export const templateStatements = (resources: Record<string, Resource>): LocatedStatement[] =>
  Object.entries(resources).flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      const policies = Array.isArray(props.Policies) ? props.Policies.filter(isRecord) : [];
      return policies.flatMap((p) =>
        statementsOf(p.PolicyDocument).map((statement) => ({ logicalId, statement })),
      );
    }
    if (POLICY_TYPES.has(resource.Type)) {
      return statementsOf(props.PolicyDocument).map((statement) => ({ logicalId, statement }));
    }
    return [];
  });

const actionsOf = (s: Statement): string[] => [s.Action].flat();

/** Read-only EC2 actions; everything else in `ec2:` changes something. */
const isEc2ReadOnly = (action: string): boolean => /^ec2:(Describe|Get|List)[A-Za-z]+$/.test(action);
export const isEc2Mutation = (action: string): boolean => action.startsWith('ec2:') && !isEc2ReadOnly(action);

/** The value a statement's condition requires for `key`, under any operator. */
export const conditionValue = (s: Statement, key: string): unknown =>
  Object.values(s.Condition ?? {}).find((operator) => key in operator)?.[key];

const onEverything = (s: Statement): boolean => [s.Resource].flat().includes('*');

/**
 * Allow statements that grant an EC2 mutation without the ManagedBy tag condition, or on
 * `Resource: "*"` at all: the seed's terminator could end every instance in the region.
 */
export const ec2MutationsWithoutTagCondition = (statements: readonly Statement[]): Statement[] =>
  statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).some(isEc2Mutation) &&
      (onEverything(s) || conditionValue(s, 'ec2:ResourceTag/ManagedBy') !== 'branch-envs'),
  );

/** Allow statements with `*` or `service:*`-style wildcard actions. */
export const wildcardActions = (statements: readonly Statement[]): Statement[] =>
  statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.includes('*')));

/** Allow statements on `Resource: "*"` for anything but read-only EC2 describes. */
export const writesOnEverything = (statements: readonly Statement[]): Statement[] =>
  statements.filter((s) => s.Effect === 'Allow' && onEverything(s) && !actionsOf(s).every(isEc2ReadOnly));
