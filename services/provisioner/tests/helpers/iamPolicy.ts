/**
 * Reading IAM statements out of a packaged CloudFormation template, and the least-privilege rules
 * the provisioner's static test enforces with them (docs/architecture.md §7). Kept apart from the test so that
 * unit tests can show the rules catch what they should.
 */

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const isStatement = (value: unknown): value is Statement =>
  typeof value === 'object' && value !== null && 'Effect' in value && 'Action' in value;

const statementsOf = (document: unknown): Statement[] =>
  typeof document === 'object' && document !== null && 'Statement' in document
    ? asArray((document as { Statement: unknown }).Statement).filter(isStatement)
    : [];

/** Every statement of every role and policy in the template, labelled with where it lives. */
export const templateStatements = (
  resources: Record<string, Resource>,
): { owner: string; statement: Statement }[] =>
  Object.entries(resources).flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Policy') {
      return statementsOf(props.PolicyDocument).map((statement) => ({ owner: logicalId, statement }));
    }
    if (resource.Type === 'AWS::IAM::Role') {
      return asArray(props.Policies as { PolicyDocument: unknown }[] | undefined).flatMap((policy) =>
        statementsOf(policy.PolicyDocument).map((statement) => ({ owner: logicalId, statement })),
      );
    }
    return [];
  });

const READ_ONLY = /^ec2:(Describe|Get|List)/;
const TAG_CONDITION = /^(aws:RequestTag\/|aws:ResourceTag\/|ec2:ResourceTag\/|ec2:CreateAction$)/;

export const actionsOf = (statement: Statement): string[] => asArray(statement.Action);

/** An EC2 action that changes something; `ec2:*` and `*` count as one. */
export const isEc2Mutation = (action: string): boolean =>
  action === '*' || (action.toLowerCase().startsWith('ec2:') && !READ_ONLY.test(action));

const onEveryResource = (statement: Statement): boolean => asArray(statement.Resource).some((r) => r === '*');

const hasTagCondition = (statement: Statement): boolean =>
  Object.values(statement.Condition ?? {}).some((operator) =>
    Object.keys(operator).some((key) => TAG_CONDITION.test(key)),
  );

/** Statements that allow an EC2 mutation on `Resource: "*"` with no tag condition: forbidden. */
export const ec2MutationsOnEverything = (statements: Statement[]): Statement[] =>
  statements.filter(
    (s) =>
      s.Effect === 'Allow' && actionsOf(s).some(isEc2Mutation) && onEveryResource(s) && !hasTagCondition(s),
  );

/** Statements whose actions are wildcards (`*`, `service:*`): forbidden. */
export const wildcardActions = (statements: Statement[]): Statement[] =>
  statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === '*' || a.endsWith(':*')));

/** The condition value of `key` in a statement, whatever the operator. */
export const conditionValue = (statement: Statement, key: string): unknown =>
  Object.values(statement.Condition ?? {}).find((operator) => key in operator)?.[key];
