/**
 * Per-function routing (ADR 0029): each contract a service consumes reaches exactly the function
 * that handles it — the one its declaration names in `consumerFunctions`, else the service's main
 * consumer (`MAIN_CONSUMER_FUNCTION`) — through the packaged rules, their target queues and the
 * queues' event source mappings. A rule that feeds `UpdateRequested` to `provision`, or to both
 * functions, fails here. Run `npm run package` first.
 */
import { consumerFunctionOf, SERVICE_NAMES, type ServiceName } from '@branch-envs/shared/envelope';
import { allContracts, contractsConsumedBy } from '@branch-envs/shared/events';
import { type CfnTemplate, listStacks, readTemplate, resourcesOfType } from '../helpers/templates';

type GetAtt = { 'Fn::GetAtt'?: unknown[] } | undefined;
const logicalIdOf = (value: unknown): string => String((value as GetAtt)?.['Fn::GetAtt']?.[0]);

/** `UpdateLambdaFunction` → `update`: the serverless.yml name of a function from its logical id. */
const functionName = (logicalId: string): string => {
  const name = logicalId.replace(/LambdaFunction$/, '');
  return name.charAt(0).toLowerCase() + name.slice(1);
};

/** Queue logical id → the functions its event source mappings invoke. */
const consumersOfQueues = (template: CfnTemplate): Map<string, string[]> => {
  const byQueue = new Map<string, string[]>();
  for (const { resource } of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const queue = logicalIdOf(resource.Properties?.EventSourceArn);
    const fn = functionName(logicalIdOf(resource.Properties?.FunctionName));
    byQueue.set(queue, [...(byQueue.get(queue) ?? []), fn]);
  }
  return byQueue;
};

/** The functions of the stack that the packaged rules deliver `detailType` to. */
const functionsReached = (template: CfnTemplate, detailType: string): string[] => {
  const queues = consumersOfQueues(template);
  const reached = resourcesOfType(template, 'AWS::Events::Rule').flatMap(({ resource }) => {
    const pattern = resource.Properties?.EventPattern as Record<string, unknown> | undefined;
    const types = (pattern?.['detail-type'] as unknown[] | undefined) ?? [];
    if (!types.includes(detailType)) return [];
    const targets = (resource.Properties?.Targets as { Arn?: unknown }[] | undefined) ?? [];
    return targets.flatMap(
      (target) => queues.get(logicalIdOf(target.Arn)) ?? [`(no function: ${logicalIdOf(target.Arn)})`],
    );
  });
  return [...new Set(reached)].sort();
};

const stacks = listStacks().filter((stack): stack is ServiceName =>
  (SERVICE_NAMES as readonly string[]).includes(stack),
);

const cases = stacks.flatMap((stack) =>
  [
    ...new Set(
      allContracts.filter((c) => (c.consumers as readonly string[]).includes(stack)).map((c) => c.detailType),
    ),
  ].map((detailType) => [stack, detailType] as const),
);

describe('per-function routing: each consumed contract reaches exactly the function that handles it', () => {
  const templates = new Map<string, CfnTemplate>();
  const template = (stack: string): CfnTemplate => {
    const cached = templates.get(stack) ?? readTemplate(stack);
    templates.set(stack, cached);
    return cached;
  };

  it.each(cases)('%s delivers %s to its declared function only', (stack, detailType) => {
    // Prepare
    const versions = allContracts.filter(
      (c) => c.detailType === detailType && (c.consumers as readonly string[]).includes(stack),
    );
    const declared = [...new Set(versions.map((c) => consumerFunctionOf(c, stack)))].sort();

    // Act
    const reached = functionsReached(template(stack), detailType);

    // Assess
    expect(reached).toEqual(declared);
  });

  it("sends UpdateRequested to the provisioner's update function and BranchResolved to provision", () => {
    // Act + Assess
    expect(functionsReached(template('provisioner'), 'UpdateRequested')).toEqual(['update']);
    expect(functionsReached(template('provisioner'), 'BranchResolved')).toEqual(['provision']);
    expect(contractsConsumedBy('provisioner', 'update').map((c) => c.detailType)).toEqual([
      'UpdateRequested',
    ]);
  });
});
