import { type PackagedStack, TemplateError } from './cfnTypes';
import { evaluateCondition, type ResolveContext, resolveString, resolveValue } from './intrinsics';
import { type PhysicalResource, physicalResourceOf } from './physicalIds';

/** What every stack of one local run shares: where moto and the HTTP API are, and the exports so far. */
export interface LocalAccount {
  region: string;
  accountId: string;
  motoEndpoint: string;
  httpApiUrl: string;
  /** CloudFormation exports of the stacks applied so far, for `Fn::ImportValue`. */
  exports: Map<string, string>;
}

/** moto's default account; ARNs built locally must match the ones moto hands out. */
export const MOTO_ACCOUNT_ID = '123456789012';

export interface StackContext {
  stack: PackagedStack;
  account: LocalAccount;
  resolver: ResolveContext;
  physical(logicalId: string): PhysicalResource;
  /** False for resources whose `Condition` evaluates to false. */
  isIncluded(logicalId: string): boolean;
  resolve(value: unknown): unknown;
  resolveString(value: unknown, what: string): string;
}

/**
 * The intrinsic-function resolver for one packaged stack. Physical names are computed lazily and
 * cached, with a guard against reference cycles, so resources may be applied in any order.
 */
class LocalStackContext implements StackContext {
  public readonly resolver: ResolveContext;
  private readonly physicalCache = new Map<string, PhysicalResource>();
  private readonly conditionCache = new Map<string, boolean>();
  private readonly inProgress = new Set<string>();

  public constructor(
    public readonly stack: PackagedStack,
    public readonly account: LocalAccount,
  ) {
    this.resolver = {
      region: account.region,
      accountId: account.accountId,
      stackName: stack.stackName,
      ref: (name) => this.ref(name),
      getAtt: (logicalId, attribute) => {
        const resource = this.physical(logicalId);
        return resource.attributes[attribute] ?? `${resource.ref}.${attribute}`;
      },
      condition: (name) => this.condition(name),
      importValue: (exportName) => this.importValue(exportName),
      findInMap: (map, top, second) => this.findInMap(map, top, second),
    };
  }

  public physical(logicalId: string): PhysicalResource {
    const cached = this.physicalCache.get(logicalId);
    if (cached) return cached;
    const resource = this.stack.template.Resources[logicalId];
    if (!resource)
      throw new TemplateError(`${this.stack.stackName}: no resource or parameter named ${logicalId}`);
    const computed = this.guarded(`resource ${logicalId}`, () =>
      physicalResourceOf(logicalId, resource, {
        ...this.account,
        stackName: this.stack.stackName,
        name: (value, what) => (value === undefined ? undefined : resolveString(value, this.resolver, what)),
      }),
    );
    this.physicalCache.set(logicalId, computed);
    return computed;
  }

  public isIncluded(logicalId: string): boolean {
    const condition = this.stack.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  public resolve(value: unknown): unknown {
    return resolveValue(value, this.resolver);
  }

  public resolveString(value: unknown, what: string): string {
    return resolveString(value, this.resolver, what);
  }

  private ref(name: string): string {
    const parameter = this.stack.template.Parameters?.[name];
    return parameter ? String(parameter.Default ?? '') : this.physical(name).ref;
  }

  private condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expression = this.stack.template.Conditions?.[name];
    if (expression === undefined)
      throw new TemplateError(`${this.stack.stackName}: no condition named ${name}`);
    const value = this.guarded(`condition ${name}`, () => evaluateCondition(expression, this.resolver));
    this.conditionCache.set(name, value);
    return value;
  }

  private importValue(exportName: string): string {
    const value = this.account.exports.get(exportName);
    if (value === undefined)
      throw new TemplateError(`${this.stack.stackName}: no stack exports ${exportName} (apply it first)`);
    return value;
  }

  private findInMap(map: string, top: string, second: string): unknown {
    const value = this.stack.template.Mappings?.[map]?.[top]?.[second];
    if (value === undefined)
      throw new TemplateError(`${this.stack.stackName}: no mapping ${map}.${top}.${second}`);
    return value;
  }

  private guarded<T>(key: string, compute: () => T): T {
    if (this.inProgress.has(key))
      throw new TemplateError(`${this.stack.stackName}: circular reference through ${key}`);
    this.inProgress.add(key);
    try {
      return compute();
    } finally {
      this.inProgress.delete(key);
    }
  }
}

export const createStackContext = (stack: PackagedStack, account: LocalAccount): StackContext =>
  new LocalStackContext(stack, account);
