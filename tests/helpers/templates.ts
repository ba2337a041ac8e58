/**
 * Reading the CloudFormation templates that `npm run package` (scripts/package.mjs) leaves in
 * `services/<svc>/.serverless/`. Static tests check what would be deployed, not the serverless.yml
 * that produces it, so that framework defaults and plugins are covered too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
const servicesDir = join(repoRoot, 'services');

/** The stage and region that `npm run package` uses unless STAGE / AWS_REGION say otherwise. */
export const PACKAGED_STAGE = 'local';
export const PACKAGED_REGION = 'eu-north-1';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, CfnOutput>;
}

export interface NamedResource {
  logicalId: string;
  resource: CfnResource;
}

export interface CfnLintFinding {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number }; Path?: unknown[] };
}

export class TemplateError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every service that has a serverless.yml, i.e. every stack that `npm run package` builds. */
export const listStacks = (): string[] =>
  readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(servicesDir, entry.name, 'serverless.yml')))
    .map((entry) => entry.name)
    .sort();

export const templatePath = (service: string): string =>
  join(servicesDir, service, '.serverless', 'cloudformation-template-update-stack.json');

const parseTemplate = (text: string, path: string): CfnTemplate => {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || !isRecord(parsed.Resources)) {
    throw new TemplateError(`${path} has no Resources section`);
  }
  const resources: Record<string, CfnResource> = {};
  for (const [logicalId, resource] of Object.entries(parsed.Resources)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      throw new TemplateError(`${path}: resource ${logicalId} has no Type`);
    }
    resources[logicalId] = resource as unknown as CfnResource; // shape checked above; the rest is optional
  }
  const outputs = isRecord(parsed.Outputs) ? (parsed.Outputs as Record<string, CfnOutput>) : {};
  return { Resources: resources, Outputs: outputs };
};

/** The packaged template of one service; throws with the fix when it has not been packaged. */
export const readTemplate = (service: string): CfnTemplate => {
  const path = templatePath(service);
  if (!existsSync(path)) {
    throw new TemplateError(
      `No packaged template for ${service} at ${relative(repoRoot, path)}. ` +
        'Run `npm run package` first (`npm test` does so before jest).',
    );
  }
  try {
    return parseTemplate(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`Cannot read ${relative(repoRoot, path)}`, { cause: error });
  }
};

export const resourcesOfType = (template: CfnTemplate, type: string): NamedResource[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ logicalId, resource }));

/** The one resource of `type` whose `Properties[property]` equals `value`; throws if there is not exactly one. */
/** One statement of an inline IAM policy, as the packaged template writes it. */
export interface IamStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** A value IAM allows as one item or a list, always as a list. */
export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every inline policy on the template's IAM roles. */
export const roleStatements = (template: CfnTemplate): IamStatement[] =>
  resourcesOfType(template, 'AWS::IAM::Role').flatMap(({ resource }) =>
    asList(
      (resource.Properties?.Policies ?? []) as { PolicyDocument: { Statement: IamStatement[] } }[],
    ).flatMap((policy) => policy.PolicyDocument.Statement),
  );

export const resourceWithProperty = (
  template: CfnTemplate,
  type: string,
  property: string,
  value: unknown,
): NamedResource => {
  const matches = resourcesOfType(template, type).filter(
    ({ resource }) => resource.Properties?.[property] === value,
  );
  if (matches.length !== 1) {
    throw new TemplateError(
      `Expected one ${type} with ${property} = ${String(value)}, found ${matches.length}`,
    );
  }
  return matches[0] as NamedResource;
};

const isFinding = (value: unknown): value is CfnLintFinding =>
  isRecord(value) &&
  typeof value.Level === 'string' &&
  typeof value.Message === 'string' &&
  isRecord(value.Rule);

/**
 * Runs cfn-lint once over all `paths` (its start-up costs seconds, so one process beats one per file).
 * Exit codes 2/4/8 are bit flags for error/warning/info findings; anything else means cfn-lint itself failed.
 */
export const runCfnLint = (paths: string[], region: string = PACKAGED_REGION): CfnLintFinding[] => {
  if (paths.length === 0) return [];
  const result = spawnSync('cfn-lint', ['--format', 'json', '--regions', region, '--', ...paths], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new TemplateError('cannot run cfn-lint; is it installed and on PATH?', { cause: result.error });
  }
  const status = result.status ?? -1;
  if (status !== 0 && (status & 1) === 1) {
    throw new TemplateError(`cfn-lint failed (exit ${status}): ${result.stderr || result.stdout}`);
  }
  const parsed: unknown = JSON.parse(result.stdout || '[]');
  if (!Array.isArray(parsed) || !parsed.every(isFinding)) {
    throw new TemplateError(`unexpected cfn-lint output: ${result.stdout.slice(0, 500)}`);
  }
  // A finding without a file means cfn-lint could not read its input (E0000), not a template problem.
  const unattributed = parsed.find((finding) => typeof finding.Filename !== 'string');
  if (unattributed) throw new TemplateError(`cfn-lint could not lint its input: ${unattributed.Message}`);
  return parsed;
};

export const formatFinding = (finding: CfnLintFinding): string =>
  `${relative(repoRoot, finding.Filename)}:${finding.Location.Start.LineNumber} ${finding.Rule.Id} ${finding.Message}`;
