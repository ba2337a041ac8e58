import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients';
import { type CfnResource, isRecord, type PackagedStack, TemplateError } from './cfnTypes';
import { applyRule, RESOURCE_APPLIERS } from './resourceAppliers';
import {
  functionNameFromArn,
  functionsOf,
  type LocalFunction,
  type QueueBinding,
  queueBindingsOf,
  type RouteBinding,
  routeBindingsOf,
  type ScheduleBinding,
  scheduleBindingsOf,
} from './runtimeBindings';
import { createStackContext, type LocalAccount, type StackContext } from './stackContext';

export type ResourceOutcome = 'created' | 'updated' | 'runner' | 'skipped';

export interface ResourceReport {
  stackName: string;
  logicalId: string;
  type: string;
  outcome: ResourceOutcome;
  note?: string;
}

/** A stack as it exists locally: what moto holds, plus what the runner must play. */
export interface AppliedStack {
  stackName: string;
  serviceDir: string;
  functions: LocalFunction[];
  queues: QueueBinding[];
  schedules: ScheduleBinding[];
  routes: RouteBinding[];
  report: ResourceReport[];
}

/** Resource types the runner plays instead of moto. */
const RUNNER_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Scheduler::Schedule',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
]);

/** Why a type is skipped, printed next to it; any type not listed here is skipped as "not emulated". */
const SKIP_REASONS: Record<string, string> = {
  'AWS::IAM::Role': 'moto does not enforce IAM; cfn-lint and the static tests check policies',
  'AWS::Logs::LogGroup': 'function logs go to the terminal',
  'AWS::Lambda::Version': 'the runner always invokes $LATEST',
  'AWS::Lambda::Permission': 'the runner invokes functions directly',
  'AWS::S3::BucketPolicy': 'moto does not enforce bucket policies',
  'AWS::IAM::ManagedPolicy': "CI's upload policy; moto does not enforce IAM, the static tests check it",
  'AWS::CloudWatch::Alarm': 'no metrics locally; the static tests check every DLQ and function has one',
  'AWS::CloudWatch::Dashboard': 'no metrics locally; the dashboard is for the AWS console',
};

/** The logical ids one intrinsic names: `Ref: X`, `Fn::GetAtt: [X, …]` or `X.Attr`, `${X}` in `Fn::Sub`. */
const namedBy = (key: string, inner: unknown): string[] => {
  if (key === 'Ref') return typeof inner === 'string' ? [inner] : [];
  if (key === 'Fn::GetAtt') return [String(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0])];
  if (key === 'Fn::Sub') {
    const text = String(Array.isArray(inner) ? inner[0] : inner);
    return [...text.matchAll(/\$\{([^}.!]+)/g)].map((match) => match[1] ?? '');
  }
  return [];
};

const collectReferences = (value: unknown, ids: Set<string>, found: Set<string>): void => {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, ids, found);
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    for (const id of namedBy(key, inner)) if (ids.has(id)) found.add(id);
    collectReferences(inner, ids, found);
  }
};

const dependenciesOf = (resource: CfnResource, ids: Set<string>): Set<string> => {
  const found = new Set<string>();
  collectReferences(resource.Properties ?? {}, ids, found);
  const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
  for (const id of dependsOn) if (ids.has(id)) found.add(id);
  return found;
};

/** Resources in an order where everything a resource refers to is applied before it (a DLQ before its queue). */
export const applyOrder = (resources: Record<string, CfnResource>): string[] => {
  const ids = new Set(Object.keys(resources));
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new TemplateError(`Circular dependency through ${id}`);
    state.set(id, 'visiting');
    const resource = resources[id];
    if (resource) for (const dep of dependenciesOf(resource, ids)) visit(dep);
    state.set(id, 'done');
    ordered.push(id);
  };
  for (const id of [...ids].sort()) visit(id);
  return ordered;
};

/**
 * EventBridge cannot call a local function, so a rule that targets one gets a queue in between; the
 * runner invokes the function with each event it receives there. Matching still happens in moto.
 */
const bridgeTarget = async (
  ctx: StackContext,
  clients: AwsClients,
  functionName: string,
): Promise<QueueBinding> => {
  const name = `local-bridge-${functionName}`.slice(0, 80);
  const created = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }),
  );
  return {
    functionName,
    queueArn: `arn:aws:sqs:${ctx.account.region}:${ctx.account.accountId}:${name}`,
    queueUrl: created.QueueUrl ?? '',
    batchSize: 1,
    reportBatchItemFailures: false,
    enabled: true,
    bridge: true,
  };
};

const applyBusRule = async (
  ctx: StackContext,
  clients: AwsClients,
  logicalId: string,
  props: Record<string, unknown>,
) => {
  const bridges: QueueBinding[] = [];
  const targets = Array.isArray(props.Targets) ? props.Targets.filter(isRecord) : [];
  for (const target of targets) {
    const functionName = functionNameFromArn(String(target.Arn));
    if (!functionName) continue;
    const bridge = await bridgeTarget(ctx, clients, functionName);
    bridges.push(bridge);
    target.Arn = bridge.queueArn;
  }
  await applyRule({
    logicalId,
    name: ctx.physical(logicalId).name,
    props,
    region: ctx.account.region,
    clients,
    targets,
  });
  return bridges;
};

interface StepResult {
  report: ResourceReport;
  bridges: QueueBinding[];
}

const applyResource = async (
  ctx: StackContext,
  clients: AwsClients,
  logicalId: string,
): Promise<StepResult> => {
  const resource = ctx.stack.template.Resources[logicalId] as CfnResource;
  const base = { stackName: ctx.stack.stackName, logicalId, type: resource.Type };
  if (!ctx.isIncluded(logicalId))
    return { report: { ...base, outcome: 'skipped', note: 'condition is false' }, bridges: [] };
  const props = () => (ctx.resolve(resource.Properties ?? {}) as Record<string, unknown>) ?? {};
  if (resource.Type === 'AWS::Events::Rule') {
    if (resource.Properties?.ScheduleExpression !== undefined)
      return { report: { ...base, outcome: 'runner', note: 'schedule' }, bridges: [] };
    const bridges = await applyBusRule(ctx, clients, logicalId, props());
    const note =
      bridges.length > 0
        ? `function targets bridged through ${bridges.map((b) => b.queueArn.split(':').pop()).join(', ')}`
        : undefined;
    return { report: { ...base, outcome: 'updated', note }, bridges };
  }
  const applier = RESOURCE_APPLIERS[resource.Type];
  if (applier) {
    const outcome = await applier({
      logicalId,
      name: ctx.physical(logicalId).name,
      props: props(),
      region: ctx.account.region,
      clients,
    });
    return { report: { ...base, outcome }, bridges: [] };
  }
  if (RUNNER_TYPES.has(resource.Type)) return { report: { ...base, outcome: 'runner' }, bridges: [] };
  return {
    report: { ...base, outcome: 'skipped', note: SKIP_REASONS[resource.Type] ?? 'not emulated locally' },
    bridges: [],
  };
};

const recordExports = (ctx: StackContext): void => {
  for (const [name, output] of Object.entries(ctx.stack.template.Outputs ?? {})) {
    if (!output.Export) continue;
    try {
      ctx.account.exports.set(
        ctx.resolveString(output.Export.Name, `${name} export`),
        ctx.resolveString(output.Value, name),
      );
    } catch {
      // An output no local resource can answer (e.g. a version hash) is simply not importable.
    }
  }
};

/**
 * Applies one packaged template to moto: buses, archives, rules (patterns verbatim), queues with their
 * redrive, tables with GSIs and TTL, parameters and buckets; reports every other resource as played
 * by the runner or skipped, so nothing is dropped silently. Re-applying a changed template updates in
 * place (rules, targets, queue attributes); new tables need a fresh moto.
 */
export const applyStack = async (
  stack: PackagedStack,
  account: LocalAccount,
  clients: AwsClients,
): Promise<AppliedStack> => {
  const ctx = createStackContext(stack, account);
  const report: ResourceReport[] = [];
  const bridges: QueueBinding[] = [];
  for (const logicalId of applyOrder(stack.template.Resources)) {
    try {
      const step = await applyResource(ctx, clients, logicalId);
      report.push(step.report);
      bridges.push(...step.bridges);
    } catch (error) {
      throw new TemplateError(`${stack.stackName}: cannot apply ${logicalId}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  recordExports(ctx);
  return {
    stackName: stack.stackName,
    serviceDir: stack.serviceDir,
    functions: functionsOf(ctx),
    queues: [...queueBindingsOf(ctx), ...bridges],
    schedules: scheduleBindingsOf(ctx),
    routes: routeBindingsOf(ctx),
    report,
  };
};
