/**
 * The event wiring of every packaged stack against the one declaration of it: each contract's
 * `producers` and `consumers` in shared/src/events. A consumer whose rule misses an event, a rule that
 * routes an event its contracts do not list, or a source pattern that drops a declared producer fails
 * here, naming the stack. Run `npm run package` first (`npm test` does so before jest).
 */
import { type EventContract, SERVICE_NAMES, type ServiceName } from '@branch-envs/shared/envelope';
import { allContracts } from '@branch-envs/shared/events';
import { EXTERNAL_EVENTS } from '@branch-envs/shared/events/external';
import {
  type CfnTemplate,
  listStacks,
  PACKAGED_STAGE,
  readTemplate,
  resourcesOfType,
} from '../helpers/templates';

const SOURCE_PREFIX = 'branch-envs.';
const stageBus = `branch-envs-${PACKAGED_STAGE}-bus`;
const stacks = listStacks();

interface EventRule {
  logicalId: string;
  properties: Record<string, unknown>;
  /** The rule's `detail-type` entries; `undefined` when the pattern matches any detail-type. */
  detailTypes: unknown[] | undefined;
  sources: unknown[];
}

/** An AWS event (shared/src/events/external.ts) routed by one rule: its detail-types and sources are AWS's. */
const isExternalRule = (properties: Record<string, unknown>): boolean => {
  const pattern = properties.EventPattern as Record<string, unknown>;
  const types = (pattern['detail-type'] as unknown[] | undefined) ?? [];
  const sources = (pattern.source as unknown[] | undefined) ?? [];
  return (
    types.length > 0 &&
    types.every((type) => EXTERNAL_EVENTS.some((e) => e.detailType === type && sources.includes(e.source)))
  );
};

/** The rules that route external (AWS) events, checked by their own tests below. */
const externalRules = (template: CfnTemplate) =>
  resourcesOfType(template, 'AWS::Events::Rule').filter(
    ({ resource }) => resource.Properties?.EventPattern !== undefined && isExternalRule(resource.Properties),
  );

/** The rules that route bus events (scheduled rules have no EventPattern); AWS's own events aside. */
const eventRules = (template: CfnTemplate): EventRule[] =>
  resourcesOfType(template, 'AWS::Events::Rule').flatMap(({ logicalId, resource }) => {
    const properties = resource.Properties ?? {};
    const pattern = properties.EventPattern as Record<string, unknown> | undefined;
    if (pattern === undefined || isExternalRule(properties)) return [];
    const detailTypes = pattern['detail-type'] as unknown[] | undefined;
    return [{ logicalId, properties, detailTypes, sources: (pattern.source as unknown[] | undefined) ?? [] }];
  });

const isService = (stack: string): stack is ServiceName =>
  (SERVICE_NAMES as readonly string[]).includes(stack);

/**
 * What the contracts say `stack` consumes, whichever of its functions takes each (ADR 0029; which
 * one is functionRouting.test.ts's check): nothing for a stack that is not a service (platform).
 */
const declaredContracts = (stack: string): readonly EventContract[] =>
  isService(stack) ? allContracts.filter((c) => (c.consumers as readonly string[]).includes(stack)) : [];

const unique = (values: readonly string[]): string[] => [...new Set(values)].sort();
const asText = (entry: unknown): string => (typeof entry === 'string' ? entry : JSON.stringify(entry));

/** Every detail-type the stack's rules route, as text; a rule without one routes everything. */
const routedTypes = (template: CfnTemplate): string[] =>
  unique(eventRules(template).flatMap((rule) => (rule.detailTypes ?? ['(any detail-type)']).map(asText)));

/** The `{ prefix: 'branch-envs.' }` source entry of the stack convention: any branch-envs service. */
const isConventionPrefix = (entry: unknown): boolean =>
  typeof entry === 'object' &&
  entry !== null &&
  Object.keys(entry).length === 1 &&
  (entry as { prefix?: unknown }).prefix === SOURCE_PREFIX;

/** Whether one entry of a rule's `source` pattern matches the events of `producer`. */
const sourceMatches = (entry: unknown, producer: ServiceName): boolean =>
  entry === `${SOURCE_PREFIX}${producer}` || isConventionPrefix(entry);

/** The declared producers of every version of the detail-types a rule routes. */
const producersRoutedBy = (rule: EventRule, stack: string): ServiceName[] => {
  const routed = new Set((rule.detailTypes ?? []).map(asText));
  const contracts = declaredContracts(stack).filter((c) => routed.has(c.detailType));
  return [...new Set(contracts.flatMap((c) => c.producers))];
};

describe('event wiring: the contracts’ declarations against the packaged rules', () => {
  let templates: Map<string, CfnTemplate>;

  beforeAll(() => {
    // Prepare
    templates = new Map(stacks.map((stack) => [stack, readTemplate(stack)]));
  });

  const template = (stack: string): CfnTemplate => templates.get(stack) as CfnTemplate;

  it('has a stack for every service a contract names as producer or consumer', () => {
    // Act
    const named = unique(allContracts.flatMap((c) => [...c.producers, ...c.consumers]));

    // Assess
    expect(named.filter((service) => !stacks.includes(service))).toEqual([]);
  });

  it.each(stacks)('%s routes every event its contracts declare it consumes', (stack) => {
    // Act
    const routed = routedTypes(template(stack));
    const declared = unique(declaredContracts(stack).map((c) => c.detailType));

    // Assess: add the detail-type to the stack's rule, or drop the service from the contract's consumers.
    expect(declared.filter((type) => !routed.includes(type))).toEqual([]);
  });

  it.each(stacks)('%s routes no event that its contracts do not declare it consumes', (stack) => {
    // Act
    const routed = routedTypes(template(stack));
    const declared = unique(declaredContracts(stack).map((c) => c.detailType));

    // Assess: add the service to the contract's consumers, or drop the detail-type from the rule.
    expect(routed.filter((type) => !declared.includes(type))).toEqual([]);
  });

  it.each(stacks)('%s accepts, by source, every declared producer of the events it routes', (stack) => {
    // Act
    const dropped = eventRules(template(stack)).flatMap((rule) =>
      producersRoutedBy(rule, stack)
        .filter((producer) => !rule.sources.some((entry) => sourceMatches(entry, producer)))
        .map((producer) => `${rule.logicalId}: ${producer}`),
    );

    // Assess
    expect(dropped).toEqual([]);
  });

  it.each(stacks)('%s matches no source beyond the declared producers of the events it routes', (stack) => {
    // Act
    const extra = eventRules(template(stack)).flatMap((rule) => {
      const producers = producersRoutedBy(rule, stack);
      // The convention prefix, when the rule routes something; otherwise only named declared producers.
      const allowed = (entry: unknown) =>
        producers.some((producer) => entry === `${SOURCE_PREFIX}${producer}`) ||
        (producers.length > 0 && isConventionPrefix(entry));
      const sources = rule.sources.length > 0 ? rule.sources : ['(any source)'];
      return sources.filter((entry) => !allowed(entry)).map((entry) => `${rule.logicalId}: ${asText(entry)}`);
    });

    // Assess
    expect(extra).toEqual([]);
  });

  it.each(stacks)('%s listens on the stage bus and delivers to a queue of its own stack', (stack) => {
    // Prepare
    const queues = resourcesOfType(template(stack), 'AWS::SQS::Queue').map(({ logicalId }) => logicalId);

    // Act
    const wrong = eventRules(template(stack)).flatMap((rule) => {
      const targets = (rule.properties.Targets as { Arn?: { 'Fn::GetAtt'?: unknown[] } }[] | undefined) ?? [];
      const toQueues =
        targets.length > 0 && targets.every((t) => queues.includes(String(t.Arn?.['Fn::GetAtt']?.[0])));
      return [
        ...(rule.properties.EventBusName === stageBus
          ? []
          : [`${rule.logicalId}: bus ${asText(rule.properties.EventBusName)}`]),
        ...(toQueues ? [] : [`${rule.logicalId}: targets ${asText(targets)}`]),
      ];
    });

    // Assess
    expect(wrong).toEqual([]);
  });

  it.each(
    stacks,
  )('%s routes exactly the AWS events declared for it, on the stage bus to its own queue', (stack) => {
    // Prepare
    const queues = resourcesOfType(template(stack), 'AWS::SQS::Queue').map(({ logicalId }) => logicalId);
    const declared = EXTERNAL_EVENTS.filter((e) => (e.consumers as readonly string[]).includes(stack));

    // Act
    const consumed = externalRules(template(stack))
      .filter(({ resource }) => resource.Properties?.EventBusName === stageBus)
      .flatMap(({ resource }) => {
        const targets = (resource.Properties?.Targets as { Arn?: { 'Fn::GetAtt'?: unknown[] } }[]) ?? [];
        const toQueue = targets.every((t) => queues.includes(String(t.Arn?.['Fn::GetAtt']?.[0])));
        const types = (resource.Properties?.EventPattern as Record<string, unknown>)[
          'detail-type'
        ] as string[];
        return toQueue ? types : types.map((type) => `${type} (not to a queue of ${stack})`);
      });

    // Assess
    expect(unique(consumed)).toEqual(unique(declared.map((e) => e.detailType)));
  });

  it('forwards every declared AWS event from the default bus to the stage bus in the platform stack', () => {
    // Act
    const forwarded = externalRules(template('platform'))
      .filter(({ resource }) => resource.Properties?.EventBusName === 'default')
      .filter(({ resource }) => {
        const targets = (resource.Properties?.Targets as { Arn?: { 'Fn::GetAtt'?: unknown[] } }[]) ?? [];
        return targets.length > 0 && targets.every((t) => t.Arn?.['Fn::GetAtt']?.[0] === 'EventBus');
      })
      .flatMap(
        ({ resource }) =>
          (resource.Properties?.EventPattern as Record<string, unknown>)['detail-type'] as string[],
      );

    // Assess
    expect(unique(forwarded)).toEqual(unique(EXTERNAL_EVENTS.map((e) => e.detailType)));
  });
});
