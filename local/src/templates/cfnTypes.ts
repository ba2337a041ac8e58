import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** One resource of a packaged CloudFormation template, as osls writes it. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface CfnTemplate {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** A packaged stack: its template plus where its handler sources live. */
export interface PackagedStack {
  /** `<service>-<stage>`, what CloudFormation would call the stack. */
  stackName: string;
  /** The folder holding serverless.yml; handler paths are relative to it (Lambda's task root). */
  serviceDir: string;
  stage: string;
  template: CfnTemplate;
}

export class TemplateError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const STATE_FILE = 'serverless-state.json';

export const templatePathOf = (serviceDir: string): string => join(serviceDir, '.serverless', TEMPLATE_FILE);

const parseTemplate = (text: string, path: string): CfnTemplate => {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || !isRecord(parsed.Resources))
    throw new TemplateError(`${path} has no Resources section`);
  for (const [logicalId, resource] of Object.entries(parsed.Resources)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      throw new TemplateError(`${path}: resource ${logicalId} has no Type`);
    }
  }
  // The shape checked above is all the applier relies on; every other section is optional.
  return parsed as unknown as CfnTemplate;
};

/** The service name and stage osls recorded, so stack names match what a deploy would create. */
const readServiceState = (serviceDir: string): { service: string; stage: string } => {
  const fallback = { service: basename(serviceDir), stage: 'local' };
  const path = join(serviceDir, '.serverless', STATE_FILE);
  if (!existsSync(path)) return fallback;
  const state: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const service = isRecord(state) && isRecord(state.service) ? state.service : {};
  const provider = isRecord(service.provider) ? service.provider : {};
  return {
    service: typeof service.service === 'string' ? service.service : fallback.service,
    stage: typeof provider.stage === 'string' ? provider.stage : fallback.stage,
  };
};

/** Reads `<serviceDir>/.serverless/` as `osls package` left it; throws with the fix when it is missing. */
export const readPackagedStack = (serviceDir: string): PackagedStack => {
  const path = templatePathOf(serviceDir);
  if (!existsSync(path)) {
    throw new TemplateError(
      `No packaged template at ${path}: run \`npm run package\` (npm start does it for you)`,
    );
  }
  try {
    const template = parseTemplate(readFileSync(path, 'utf8'), path);
    const { service, stage } = readServiceState(serviceDir);
    return { stackName: `${service}-${stage}`, serviceDir, stage, template };
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`Cannot read ${path}`, { cause: error });
  }
};

/** The service folder of a template path (`<dir>/.serverless/<file>` → `<dir>`). */
export const serviceDirOf = (templatePath: string): string => dirname(dirname(templatePath));
