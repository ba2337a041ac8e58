import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord, TemplateError } from './cfnTypes';
import type { StackContext } from './stackContext';

/** A Lambda function as the runner will host it. */
export interface LocalFunction {
  name: string;
  logicalId: string;
  stackName: string;
  /** Lambda's task root: the service folder, so relative reads behave as in the deployed bundle. */
  serviceDir: string;
  handlerFile: string;
  handlerExport: string;
  timeoutSeconds: number;
  memoryMb: number;
  runtime: string;
  /** The template's variables, intrinsics resolved against the applied resources. */
  environment: Record<string, string>;
}

export interface QueueBinding {
  functionName: string;
  queueArn: string;
  queueUrl: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  /** True for the queues the applier adds in front of rules that target a function directly. */
  bridge?: boolean;
}

export interface ScheduleBinding {
  /** The schedule's logical id; `fire` also accepts the function name. */
  id: string;
  stackName: string;
  functionName: string;
  expression: string;
  timezone?: string;
  kind: 'events-rule' | 'scheduler';
  enabled: boolean;
  /** The target's configured Input, parsed; undefined means the default scheduled-event shape. */
  input?: unknown;
  arn: string;
}

export interface RouteBinding {
  routeKey: string;
  functionName: string;
  payloadFormatVersion: string;
}

export const functionNameFromArn = (arn: string): string | undefined => {
  const match = /:function:([^:]+)/.exec(arn);
  return match?.[1];
};

const HANDLER_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** `src/handlers/x.handler` → `<serviceDir>/src/handlers/x.ts` and export `handler`. */
export const locateHandler = (serviceDir: string, handler: string): { file: string; exportName: string } => {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new TemplateError(`Handler ${handler} is not <module>.<export>`);
  const modulePath = join(serviceDir, handler.slice(0, dot));
  const file = HANDLER_EXTENSIONS.map((ext) => `${modulePath}${ext}`).find((candidate) =>
    existsSync(candidate),
  );
  // A missing file is reported when the function is first invoked, like Lambda's ImportModuleError.
  return { file: file ?? `${modulePath}.ts`, exportName: handler.slice(dot + 1) };
};

const resourcesOf = (ctx: StackContext, type: string): [string, Record<string, unknown>][] =>
  Object.entries(ctx.stack.template.Resources)
    .filter(([id, resource]) => resource.Type === type && ctx.isIncluded(id))
    .map(([id, resource]) => [id, resource.Properties ?? {}]);

export const functionsOf = (ctx: StackContext): LocalFunction[] =>
  resourcesOf(ctx, 'AWS::Lambda::Function').map(([logicalId, props]) => {
    const environment: Record<string, string> = {};
    const variables =
      isRecord(props.Environment) && isRecord(props.Environment.Variables) ? props.Environment.Variables : {};
    for (const [key, value] of Object.entries(variables)) {
      environment[key] = ctx.resolveString(value, `${logicalId} environment ${key}`);
    }
    const { file, exportName } = locateHandler(
      ctx.stack.serviceDir,
      ctx.resolveString(props.Handler, `${logicalId}.Handler`),
    );
    return {
      name: ctx.physical(logicalId).ref,
      logicalId,
      stackName: ctx.stack.stackName,
      serviceDir: ctx.stack.serviceDir,
      handlerFile: file,
      handlerExport: exportName,
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      runtime: String(props.Runtime ?? 'nodejs22.x'),
      environment,
    };
  });

const queueUrlOfArn = (ctx: StackContext, arn: string): string => {
  const name = arn.split(':').pop() ?? arn;
  for (const [id] of resourcesOf(ctx, 'AWS::SQS::Queue')) {
    if (ctx.physical(id).attributes.QueueName === name) return ctx.physical(id).ref;
  }
  // A queue owned by another stack: moto's URL layout is fixed, so build it.
  return `${ctx.account.motoEndpoint}/${arn.split(':')[4] ?? ctx.account.accountId}/${name}`;
};

export const queueBindingsOf = (ctx: StackContext): QueueBinding[] =>
  resourcesOf(ctx, 'AWS::Lambda::EventSourceMapping').flatMap(([logicalId, props]) => {
    const sourceArn = ctx.resolveString(props.EventSourceArn, `${logicalId}.EventSourceArn`);
    if (!sourceArn.startsWith('arn:aws:sqs:')) return [];
    const fn = ctx.resolveString(props.FunctionName, `${logicalId}.FunctionName`);
    const types = Array.isArray(props.FunctionResponseTypes) ? props.FunctionResponseTypes : [];
    return [
      {
        functionName: functionNameFromArn(fn) ?? fn,
        queueArn: sourceArn,
        queueUrl: queueUrlOfArn(ctx, sourceArn),
        batchSize: Number(props.BatchSize ?? 10),
        reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
        enabled: props.Enabled !== false && props.Enabled !== 'false',
      },
    ];
  });

const parseInput = (input: unknown): unknown => {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
};

const ruleSchedules = (ctx: StackContext): ScheduleBinding[] =>
  resourcesOf(ctx, 'AWS::Events::Rule')
    .filter(([, props]) => props.ScheduleExpression !== undefined)
    .flatMap(([logicalId, props]) => {
      const targets = (ctx.resolve(props.Targets) as Record<string, unknown>[] | undefined) ?? [];
      return targets.flatMap((target) => {
        const functionName = functionNameFromArn(String(target.Arn));
        if (!functionName) return [];
        return [
          {
            id: logicalId,
            stackName: ctx.stack.stackName,
            functionName,
            expression: ctx.resolveString(props.ScheduleExpression, `${logicalId}.ScheduleExpression`),
            kind: 'events-rule' as const,
            enabled: (props.State ?? 'ENABLED') === 'ENABLED',
            input: parseInput(target.Input),
            arn: ctx.physical(logicalId).attributes.Arn ?? logicalId,
          },
        ];
      });
    });

const schedulerSchedules = (ctx: StackContext): ScheduleBinding[] =>
  resourcesOf(ctx, 'AWS::Scheduler::Schedule').flatMap(([logicalId, props]) => {
    const target = ctx.resolve(props.Target);
    const functionName = isRecord(target) ? functionNameFromArn(String(target.Arn)) : undefined;
    if (!functionName || !isRecord(target)) return [];
    const timezone = props.ScheduleExpressionTimezone;
    return [
      {
        id: logicalId,
        stackName: ctx.stack.stackName,
        functionName,
        expression: ctx.resolveString(props.ScheduleExpression, `${logicalId}.ScheduleExpression`),
        timezone:
          timezone === undefined
            ? undefined
            : ctx.resolveString(timezone, `${logicalId}.ScheduleExpressionTimezone`),
        kind: 'scheduler' as const,
        enabled: (props.State ?? 'ENABLED') === 'ENABLED',
        // Scheduler hands a Lambda target its Input verbatim, or `{}` when none is configured.
        input: target.Input === undefined ? {} : parseInput(target.Input),
        arn: ctx.physical(logicalId).attributes.Arn ?? logicalId,
      },
    ];
  });

export const scheduleBindingsOf = (ctx: StackContext): ScheduleBinding[] => [
  ...ruleSchedules(ctx),
  ...schedulerSchedules(ctx),
];

export const routeBindingsOf = (ctx: StackContext): RouteBinding[] => {
  const integrations = new Map(resourcesOf(ctx, 'AWS::ApiGatewayV2::Integration'));
  return resourcesOf(ctx, 'AWS::ApiGatewayV2::Route').flatMap(([logicalId, props]) => {
    const target = ctx.resolveString(props.Target, `${logicalId}.Target`);
    const integration = integrations.get(target.replace(/^integrations\//, ''));
    if (!integration) return [];
    const uri = ctx.resolveString(integration.IntegrationUri, `${logicalId} integration uri`);
    const functionName = functionNameFromArn(uri);
    if (!functionName) return [];
    return [
      {
        routeKey: ctx.resolveString(props.RouteKey, `${logicalId}.RouteKey`),
        functionName,
        payloadFormatVersion: String(integration.PayloadFormatVersion ?? '2.0'),
      },
    ];
  });
};
