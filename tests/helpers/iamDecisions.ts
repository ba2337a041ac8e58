/**
 * One IAM decision for one packaged role, by a real policy evaluator: @cloud-copilot/iam-simulate
 * (AGPL-3.0-or-later, a devDependency used by these tests only; ADR 0010). It implements AWS's
 * evaluation logic (explicit deny, then allows from identity and resource policies; NotAction,
 * NotResource, every condition operator, set operators) and validates actions, resource ARNs and
 * context keys against AWS's service authorization data.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { MATRIX_ACCOUNT_ID, type PackagedRole } from './packagedRoles';

/** What a matrix row expects: `deny` is either kind; `explicit deny` needs a Deny statement to match. */
export type Expected = 'allow' | 'deny' | 'explicit deny';
export type Decision = 'allow' | 'implicit deny' | 'explicit deny';

export interface IamRequest {
  action: string;
  resource: string;
  /** Request context keys, e.g. `aws:RequestTag/Stage` or `iam:PassedToService`. */
  context?: Record<string, string | string[]>;
  /** The resource's own policy (a KMS key policy, say), when it takes part in the decision. */
  resourcePolicy?: unknown;
}

export class IamMatrixError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IamMatrixError';
  }
}

const DECISIONS: Record<string, Decision> = {
  Allowed: 'allow',
  ImplicitlyDenied: 'implicit deny',
  ExplicitlyDenied: 'explicit deny',
};

const describe = (role: PackagedRole, request: IamRequest): string =>
  `${role.id} ${request.action} ${request.resource}`;

/**
 * The evaluator leaves out context keys that do not exist for the action and resource; a row would
 * then pass for the wrong reason (a typo in `aws:RequestTag/Stage` reads as "no tag"), so that fails.
 */
const ignoredKeys = (result: Awaited<ReturnType<typeof runSimulation>>): string[] => {
  if (result.resultType === 'single') return result.result.ignoredContextKeys ?? [];
  if (result.resultType === 'wildcard') return result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  return [];
};

export const decide = async (role: PackagedRole, request: IamRequest): Promise<Decision> => {
  const simulation: Simulation = {
    request: {
      principal: role.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: MATRIX_ACCOUNT_ID },
      contextVariables: request.context ?? {},
    },
    identityPolicies: role.policies.map(({ name, document }) => ({ name, policy: document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new IamMatrixError(`${describe(role, request)}: ${JSON.stringify(result.errors)}`);
  }
  const ignored = ignoredKeys(result);
  if (ignored.length > 0) {
    throw new IamMatrixError(`${describe(role, request)}: context keys ${ignored.join(', ')} do not apply`);
  }
  const decision = DECISIONS[result.overallResult];
  if (!decision)
    throw new IamMatrixError(`${describe(role, request)}: unknown result ${result.overallResult}`);
  return decision;
};

/**
 * Whether the role's trust policy lets `principal` (a service such as `ec2.amazonaws.com`, or an ARN
 * of another account) assume it. The principal's own policies are not part of the question.
 */
export const decideAssume = (
  role: PackagedRole,
  principal: string,
  context: Record<string, string | string[]> = {},
): Promise<Decision> => {
  if (!role.trust) throw new IamMatrixError(`${role.id} is not a role: nothing assumes it`);
  const trustOnly = { ...role, id: `${role.id} (trust policy)`, arn: principal, policies: [] };
  return decide(trustOnly, {
    action: 'sts:AssumeRole',
    resource: role.arn,
    context,
    resourcePolicy: role.trust,
  });
};

/** Whether a decision is what a row expects. */
export const meets = (decision: Decision, expected: Expected): boolean =>
  expected === 'deny' ? decision !== 'allow' : decision === expected;
