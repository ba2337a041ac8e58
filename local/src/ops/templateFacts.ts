import { type CfnTemplate, isRecord } from '../templates/cfnTypes';

/** A queue a stack declares, with the DLQ its RedrivePolicy names. */
export interface DeclaredQueue {
  name: string;
  deadLetterQueue?: string;
  maxReceiveCount?: number;
  /** True when a rule on the stage's bus targets it (an event consumer's queue). */
  fedByBus: boolean;
}

/** An SSM parameter a function reads (an `*_PARAM` variable), and whether the role may read it. */
export interface DeclaredParameter {
  name: string;
  variable: string;
  granted: boolean;
}

export interface StackFacts {
  queues: DeclaredQueue[];
  parameters: DeclaredParameter[];
  /** Every plain-string environment variable of the stack's functions, merged. */
  environment: Record<string, string>;
}

type Resources = CfnTemplate['Resources'];

const getAttTarget = (value: unknown): string | undefined => {
  const getAtt = isRecord(value) ? value['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

const queueNameOf = (resources: Resources, logicalId: string | undefined): string | undefined => {
  const name = logicalId ? resources[logicalId]?.Properties?.QueueName : undefined;
  return typeof name === 'string' ? name : undefined;
};

const ruleTargets = (resource: Resources[string], bus: string): unknown[] => {
  const props = resource.Properties ?? {};
  if (resource.Type !== 'AWS::Events::Rule' || props.EventBusName !== bus) return [];
  return Array.isArray(props.Targets) ? props.Targets : [];
};

const busFedQueues = (resources: Resources, bus: string): Set<string> => {
  const targets = Object.values(resources).flatMap((resource) => ruleTargets(resource, bus));
  const names = targets.map((t) => queueNameOf(resources, getAttTarget(isRecord(t) ? t.Arn : undefined)));
  return new Set(names.filter((n): n is string => n !== undefined));
};

export const declaredQueues = (template: CfnTemplate, bus: string): DeclaredQueue[] => {
  const fed = busFedQueues(template.Resources, bus);
  return Object.values(template.Resources).flatMap((resource) => {
    const props = resource.Properties ?? {};
    if (resource.Type !== 'AWS::SQS::Queue' || typeof props.QueueName !== 'string') return [];
    const redrive = isRecord(props.RedrivePolicy) ? props.RedrivePolicy : undefined;
    const dlq = queueNameOf(template.Resources, getAttTarget(redrive?.deadLetterTargetArn));
    const max = redrive?.maxReceiveCount;
    return [
      {
        name: props.QueueName,
        fedByBus: fed.has(props.QueueName),
        ...(dlq ? { deadLetterQueue: dlq } : {}),
        ...(typeof max === 'number' ? { maxReceiveCount: max } : {}),
      },
    ];
  });
};

const functionEnvironment = (template: CfnTemplate): Record<string, string> => {
  const merged: Record<string, string> = {};
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const env = resource.Properties?.Environment;
    const vars = isRecord(env) && isRecord(env.Variables) ? env.Variables : {};
    for (const [key, value] of Object.entries(vars)) if (typeof value === 'string') merged[key] = value;
  }
  return merged;
};

const resourceStrings = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(resourceStrings);
  if (isRecord(value) && 'Fn::Sub' in value) return resourceStrings(value['Fn::Sub']);
  return [];
};

const statementsOf = (resource: Resources[string]): unknown[] => {
  const props = resource.Properties ?? {};
  const documents = [
    props.PolicyDocument,
    ...(Array.isArray(props.Policies)
      ? props.Policies.map((p) => (isRecord(p) ? p.PolicyDocument : undefined))
      : []),
  ];
  return documents.flatMap((doc) => (isRecord(doc) && Array.isArray(doc.Statement) ? doc.Statement : []));
};

const grantsGetParameter = (statement: unknown): statement is Record<string, unknown> =>
  isRecord(statement) &&
  statement.Effect === 'Allow' &&
  [statement.Action].flat().includes('ssm:GetParameter');

/** The parameter names the stack's IAM lets its functions GetParameter on (ARNs built with Fn::Sub). */
export const grantedParameters = (template: CfnTemplate): Set<string> => {
  const statements = Object.values(template.Resources)
    .filter((resource) => resource.Type.startsWith('AWS::IAM::'))
    .flatMap(statementsOf)
    .filter(grantsGetParameter);
  const names = statements
    .flatMap((statement) => resourceStrings(statement.Resource))
    .map((arn) => /:parameter(\/.+)$/.exec(arn)?.[1]);
  return new Set(names.filter((n): n is string => n !== undefined));
};

/** What `ops doctor` checks a stack against: its queues, its functions' parameters and settings. */
export const stackFacts = (template: CfnTemplate, bus: string): StackFacts => {
  const environment = functionEnvironment(template);
  const granted = grantedParameters(template);
  const parameters = Object.entries(environment)
    .filter(([key, value]) => /_PARAM$/.test(key) && value.startsWith('/'))
    .map(([variable, name]) => ({ name, variable, granted: granted.has(name) }));
  return { queues: declaredQueues(template, bus), parameters, environment };
};
