/**
 * Reads and checks `config/<stage>.yml`. Every problem is reported at once, each naming its field
 * (`slack.allowedUsers`) and what to write there, so that `npm run package`, `npm start` and a deploy
 * stop before anything is built from a value nobody meant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type * as z from 'zod';
import { StageConfig } from './schema';

/** The repository's `config/` folder (this file is shared/src/stageConfig/load.ts). */
export const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

export class StageConfigError extends Error {
  public constructor(
    message: string,
    public readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'StageConfigError';
  }
}

const STAGE_NAME = /^[a-zA-Z0-9-]{1,16}$/;

export const stageConfigPath = (stage: string, dir = CONFIG_DIR): string => join(dir, `${stage}.yml`);

const valueAt = (input: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );

const fieldOf = (path: PropertyKey[]): string =>
  path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');

/** One line per problem: the field, then what is wrong with it and how to fix it. */
export const describeIssues = (issues: z.core.$ZodIssue[], input: unknown): string[] =>
  issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const parent = fieldOf(issue.path);
      return issue.keys.map(
        (key) =>
          `${parent ? `${parent}.` : ''}${key}: is not a field; remove it or fix its spelling (config/example.yml lists every field)`,
      );
    }
    const field = fieldOf(issue.path) || '(the file)';
    if (issue.path.length > 0 && valueAt(input, issue.path) === undefined)
      return [`${field}: is missing; every field is required, see config/example.yml for what it means`];
    return [`${field}: ${issue.message}`];
  });

const parseYaml = (text: string, file: string): unknown => {
  const document = parseDocument(text, { prettyErrors: true });
  const [first] = document.errors;
  if (first) throw new StageConfigError(`${file} is not valid YAML: ${first.message}`);
  return document.toJS() as unknown;
};

/** Checks an already-read document; `file` names it in the error. */
export const parseStageConfig = (input: unknown, file: string): StageConfig => {
  const parsed = StageConfig.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error.issues, input);
  throw new StageConfigError(
    `${file} is not a valid stage config:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    problems,
  );
};

/** `config/<stage>.yml`, checked; throws a {@link StageConfigError} that says what to fix. */
export const loadStageConfig = (stage: string, dir = CONFIG_DIR): StageConfig => {
  if (!STAGE_NAME.test(stage))
    throw new StageConfigError(`stage "${stage}" must be 1-16 letters, digits or dashes`);
  const path = stageConfigPath(stage, dir);
  const shown = relative(process.cwd(), path);
  const file = shown === '' || shown.startsWith('..') ? path : shown;
  if (!existsSync(path))
    throw new StageConfigError(
      `${file} does not exist: every stage needs its config; copy config/example.yml to it and fill it in`,
    );
  return parseStageConfig(parseYaml(readFileSync(path, 'utf8'), file), file);
};
