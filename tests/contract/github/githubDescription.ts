/**
 * GitHub's own descriptions of its APIs, for contract tests: the REST OpenAPI document of
 * api.github.com (`@octokit/openapi`) checked with Ajv, and the public GraphQL schema
 * (`@octokit/graphql-schema`). Both are dev-only dependencies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { buildSchema, type GraphQLSchema, parse, validate } from 'graphql';

type Json = Record<string, unknown>;

const ROOT = join(__dirname, '..', '..', '..');

interface OpenApi {
  paths: Record<string, Record<string, Json>>;
  components: Json & { responses: Record<string, Json>; parameters: Record<string, Json> };
}

const spec = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
) as OpenApi;

/**
 * OpenAPI 3.0 to what Ajv reads: Ajv knows `nullable` beside a `type`, but GitHub also writes it
 * beside `allOf`/`anyOf` alone, which becomes "this, or null".
 */
const jsonSchema = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(jsonSchema);
  if (typeof value !== 'object' || value === null) return value;
  const { nullable, ...rest } = value as Json;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, jsonSchema(v)]));
  if (nullable !== true) return converted;
  return 'type' in converted ? { ...converted, nullable } : { anyOf: [converted, { type: 'null' }] };
};

// `x-github`, `example` and friends are not JSON Schema keywords: not strict.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// GitHub answers "" for an unset URL (`target_url`, `log_url`, `environment_url` of a deployment status,
// as its own examples show) although the description says `format: uri`; "" is allowed, nothing else.
const isUri = ajv.formats.uri as (value: string) => boolean;
ajv.addFormat('uri', (value: string) => value === '' || isUri(value));
ajv.addSchema({ components: jsonSchema(spec.components) }, 'github');

const local = (ref: string): Json => {
  const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
  const found = (spec.components[kind ?? ''] as Record<string, Json> | undefined)?.[name ?? ''];
  if (!found) throw new Error(`no ${ref} in GitHub's OpenAPI document`);
  return found;
};

const deref = (value: Json): Json => (typeof value.$ref === 'string' ? local(value.$ref) : value);

/** Ajv compiles against the components registered as `github`. */
const rooted = (schema: unknown): Json =>
  JSON.parse(JSON.stringify(jsonSchema(schema)).replaceAll('"#/components/', '"github#/components/')) as Json;

export interface Operation {
  template: string;
  method: string;
  operationId: string;
  parameters: { name: string; in: string; required?: boolean }[];
  responses: Record<string, Json>;
  requestBody?: Json;
}

const templatePattern = (template: string): RegExp =>
  new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);

/** The documented operation for a request path (already URL-encoded), or undefined if GitHub has none. */
export const operationFor = (method: string, path: string): Operation | undefined => {
  const pathname = path.split('?')[0] ?? path;
  const candidates = Object.keys(spec.paths).filter((t) => templatePattern(t).test(pathname));
  // The most literal template wins (`/repos/{owner}/{repo}/pulls` over `/repos/{owner}/{repo}/{x}`).
  candidates.sort((a, b) => (b.match(/\{/g)?.length ?? 0) - (a.match(/\{/g)?.length ?? 0)).reverse();
  for (const template of candidates) {
    const operation = spec.paths[template]?.[method.toLowerCase()];
    if (!operation) continue;
    const parameters = ((operation.parameters as Json[] | undefined) ?? []).map(deref);
    return {
      template,
      method: method.toUpperCase(),
      operationId: String(operation.operationId),
      parameters: parameters as unknown as Operation['parameters'],
      responses: operation.responses as Record<string, Json>,
      ...(operation.requestBody ? { requestBody: deref(operation.requestBody as Json) } : {}),
    };
  }
  return undefined;
};

const compiled = new Map<string, ValidateFunction>();

const compile = (key: string, schema: unknown): ValidateFunction => {
  const known = compiled.get(key);
  if (known) return known;
  const fresh = ajv.compile(rooted(schema));
  compiled.set(key, fresh);
  return fresh;
};

const jsonSchemaOf = (content: unknown): unknown =>
  (content as { 'application/json'?: { schema?: unknown } } | undefined)?.['application/json']?.schema;

/** Ajv's errors as `path: message` lines; empty when the value matches the schema. */
const problems = (validator: ValidateFunction, value: unknown): string[] =>
  validator(value)
    ? []
    : (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());

/**
 * Checks a response body against what GitHub documents for that operation and status. A status
 * the operation does not document is itself a problem; a documented status without a body (304) is fine.
 */
export const responseProblems = (operation: Operation, status: number, body: unknown): string[] => {
  const documented = operation.responses[String(status)];
  if (!documented) return [`${operation.operationId} documents no ${status} response`];
  const schema = jsonSchemaOf(deref(documented).content);
  if (schema === undefined) return [];
  return problems(compile(`${operation.operationId} ${status}`, schema), body);
};

/** Checks a request body against the operation's documented `requestBody`. */
export const requestBodyProblems = (operation: Operation, body: unknown): string[] => {
  const schema = jsonSchemaOf(operation.requestBody?.content);
  if (schema === undefined) return [`${operation.operationId} documents no JSON request body`];
  return problems(compile(`${operation.operationId} request`, schema), body);
};

/** Query parameters the request sends that the operation does not declare. */
export const undeclaredQueryParameters = (operation: Operation, path: string): string[] => {
  const declared = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const sent = [...new URL(path, 'https://api.github.com').searchParams.keys()];
  return sent.filter((name) => !declared.has(name));
};

/** GitHub's `basic-error`, the body of its 4xx answers. */
export const basicErrorProblems = (body: unknown): string[] =>
  problems(compile('basic-error', { $ref: '#/components/schemas/basic-error' }), body);

/** Checks an error body against one of the description's shared responses (`requires_authentication`, …). */
export const componentResponseProblems = (name: string, body: unknown): string[] => {
  const schema = jsonSchemaOf(spec.components.responses[name]?.content);
  if (schema === undefined) return [`GitHub's description has no JSON response ${name}`];
  return problems(compile(`response ${name}`, schema), body);
};

/**
 * GitHub's REST documentation ("Rate limits for the REST API") names the headers every answer carries:
 * limit, remaining, used and reset (epoch seconds) as integers, and the resource. The OpenAPI document
 * types the first three (`components.headers.x-rate-limit-*`: integer).
 */
export const RATE_LIMIT_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-used',
  'x-ratelimit-reset',
  'x-ratelimit-resource',
] as const;

const RESOURCES = new Set(['core', 'search', 'graphql', 'code_search', 'integration_manifest']);

/** Problems with an answer's rate-limit headers; `exhausted` also demands remaining 0 and a future reset. */
export const rateLimitHeaderProblems = (headers: Headers, exhausted = false): string[] => {
  const found: string[] = [];
  for (const name of RATE_LIMIT_HEADERS) {
    const value = headers.get(name);
    if (value === null) found.push(`${name} missing`);
    else if (name === 'x-ratelimit-resource' ? !RESOURCES.has(value) : !/^\d+$/.test(value))
      found.push(`${name}: ${value} is not what GitHub sends`);
  }
  if (exhausted && headers.get('x-ratelimit-remaining') !== '0') found.push('x-ratelimit-remaining is not 0');
  if (exhausted && Number(headers.get('x-ratelimit-reset')) <= Date.now() / 1000)
    found.push('x-ratelimit-reset is not in the future');
  return found;
};

/** `retry-after` as GitHub sends it on a secondary limit: a whole number of seconds. */
export const retryAfterProblems = (headers: Headers): string[] => {
  const value = headers.get('retry-after');
  return value !== null && /^\d+$/.test(value) ? [] : [`retry-after is ${value}, not whole seconds`];
};

let graphqlSchema: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema, built once. */
export const githubGraphqlSchema = (): GraphQLSchema => {
  graphqlSchema ??= buildSchema(
    // The package exports only an ESM `import` entry, so its file is read from the root node_modules.
    readFileSync(join(ROOT, 'node_modules', '@octokit', 'graphql-schema', 'schema.graphql'), 'utf8'),
    // GitHub's published SDL defines two EnterpriseOwnerInfo fields twice; graphql-js would refuse it.
    { assumeValidSDL: true },
  );
  return graphqlSchema;
};

/** Validation errors of a query document against GitHub's GraphQL schema. */
export const graphqlQueryProblems = (query: string): string[] =>
  validate(githubGraphqlSchema(), parse(query)).map((e) => e.message);
