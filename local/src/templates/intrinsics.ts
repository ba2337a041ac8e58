import { isRecord, TemplateError } from './cfnTypes';

/** What intrinsic functions need from the stack being applied. */
export interface ResolveContext {
  region: string;
  accountId: string;
  stackName: string;
  /** `Ref` of a resource or parameter. */
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
  condition(name: string): boolean;
  importValue(exportName: string): string;
  findInMap(map: string, top: string, second: string): unknown;
}

/** `Ref: AWS::NoValue` removes the property it stands in, as CloudFormation does. */
const NO_VALUE = Symbol('AWS::NoValue');

const pseudoParameter = (name: string, ctx: ResolveContext): string | typeof NO_VALUE | undefined => {
  const values: Record<string, string> = {
    'AWS::Region': ctx.region,
    'AWS::AccountId': ctx.accountId,
    'AWS::Partition': 'aws',
    'AWS::StackName': ctx.stackName,
    'AWS::StackId': `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/local`,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (name === 'AWS::NoValue') return NO_VALUE;
  return values[name];
};

const asString = (value: unknown, fn: string): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${fn} expects a string, got ${JSON.stringify(value)}`);
};

const asArray = (value: unknown, fn: string): unknown[] => {
  if (!Array.isArray(value)) throw new TemplateError(`${fn} expects a list, got ${JSON.stringify(value)}`);
  return value;
};

const splitGetAtt = (arg: unknown): [string, string] => {
  const parts = typeof arg === 'string' ? arg.split('.') : asArray(arg, 'Fn::GetAtt').map((p) => String(p));
  const [logicalId, ...attribute] = parts;
  if (!logicalId || attribute.length === 0)
    throw new TemplateError(`Fn::GetAtt needs Resource.Attribute, got ${JSON.stringify(arg)}`);
  return [logicalId, attribute.join('.')];
};

/** `${Name}`, `${Resource.Attribute}` and `${!Literal}`, with the optional variable map of the list form. */
const substitute = (arg: unknown, ctx: ResolveContext): string => {
  const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
  const variables = isRecord(vars) ? vars : {};
  return asString(text, 'Fn::Sub').replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return asString(resolveValue(variables[name], ctx), 'Fn::Sub');
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [logicalId, attribute] = splitGetAtt(name);
      return ctx.getAtt(logicalId, attribute);
    }
    const pseudo = pseudoParameter(name, ctx);
    return typeof pseudo === 'string' ? pseudo : ctx.ref(name);
  });
};

const evaluate = (expression: unknown, ctx: ResolveContext): boolean => {
  if (!isRecord(expression)) throw new TemplateError(`Not a condition: ${JSON.stringify(expression)}`);
  const [fn, arg] = Object.entries(expression)[0] ?? [];
  const args = () => asArray(arg, String(fn));
  switch (fn) {
    case 'Condition':
      return ctx.condition(asString(arg, 'Condition'));
    case 'Fn::Equals': {
      const [a, b] = args().map((v) => resolveValue(v, ctx));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !evaluate(args()[0], ctx);
    case 'Fn::And':
      return args().every((c) => evaluate(c, ctx));
    case 'Fn::Or':
      return args().some((c) => evaluate(c, ctx));
    default:
      throw new TemplateError(`Unsupported condition function ${String(fn)}`);
  }
};

/** Evaluates one entry of a template's `Conditions` section. */
export const evaluateCondition = (expression: unknown, ctx: ResolveContext): boolean =>
  evaluate(expression, ctx);

type Intrinsic = (arg: unknown, ctx: ResolveContext) => unknown;

const INTRINSICS: Record<string, Intrinsic> = {
  Ref: (arg, ctx) => pseudoParameter(asString(arg, 'Ref'), ctx) ?? ctx.ref(asString(arg, 'Ref')),
  'Fn::GetAtt': (arg, ctx) => ctx.getAtt(...splitGetAtt(resolveValue(arg, ctx))),
  'Fn::Sub': substitute,
  'Fn::Join': (arg, ctx) => {
    const [separator, list] = asArray(arg, 'Fn::Join');
    const items = asArray(resolveValue(list, ctx), 'Fn::Join');
    return items.map((item) => asString(item, 'Fn::Join')).join(asString(separator, 'Fn::Join'));
  },
  'Fn::Select': (arg, ctx) => {
    const [index, list] = asArray(arg, 'Fn::Select');
    return asArray(resolveValue(list, ctx), 'Fn::Select')[Number(resolveValue(index, ctx))];
  },
  'Fn::Split': (arg, ctx) => {
    const [separator, text] = asArray(arg, 'Fn::Split');
    return asString(resolveValue(text, ctx), 'Fn::Split').split(asString(separator, 'Fn::Split'));
  },
  'Fn::If': (arg, ctx) => {
    const [name, whenTrue, whenFalse] = asArray(arg, 'Fn::If');
    return resolveValue(ctx.condition(asString(name, 'Fn::If')) ? whenTrue : whenFalse, ctx);
  },
  'Fn::ImportValue': (arg, ctx) => ctx.importValue(asString(resolveValue(arg, ctx), 'Fn::ImportValue')),
  'Fn::FindInMap': (arg, ctx) => {
    const [map, top, second] = asArray(resolveValue(arg, ctx), 'Fn::FindInMap').map((v) =>
      asString(v, 'Fn::FindInMap'),
    );
    return ctx.findInMap(String(map), String(top), String(second));
  },
  'Fn::GetAZs': (_, ctx) => ['a', 'b', 'c'].map((zone) => `${ctx.region}${zone}`),
  'Fn::Base64': (arg, ctx) => Buffer.from(asString(resolveValue(arg, ctx), 'Fn::Base64')).toString('base64'),
};

const resolveInner = (value: unknown, ctx: ResolveContext): unknown => {
  if (Array.isArray(value)) {
    return value.map((item) => resolveInner(item, ctx)).filter((item) => item !== NO_VALUE);
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  const intrinsic = only === undefined ? undefined : INTRINSICS[only];
  if (only !== undefined && intrinsic) return intrinsic(value[only], ctx);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolveInner(value[key], ctx);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
};

/**
 * Resolves CloudFormation intrinsic functions (Ref, GetAtt, Sub, Join, Select, Split, If, ImportValue,
 * FindInMap, GetAZs, Base64) and pseudo parameters in a template value. Plain values pass through.
 */
export const resolveValue = (value: unknown, ctx: ResolveContext): unknown => {
  const resolved = resolveInner(value, ctx);
  return resolved === NO_VALUE ? undefined : resolved;
};

/** Resolves a value that must end up a string (an env var, a name, an ARN). */
export const resolveString = (value: unknown, ctx: ResolveContext, what: string): string => {
  const resolved = resolveValue(value, ctx);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new TemplateError(`${what} does not resolve to a string: ${JSON.stringify(resolved)}`);
};
