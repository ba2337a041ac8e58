/**
 * config/<stage>.yml is the only place a setting is written (ADR 0014): serverless.yml params only
 * point at it, and packaging stops, naming the field, when the file is wrong.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { STACKS } from '../../shared/src/stageConfig/params';
import { listStacks, repoRoot } from '../helpers/templates';

const stacks = listStacks();
const stackKey = (service: string): string =>
  service.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const serverlessYml = (service: string): string =>
  readFileSync(join(repoRoot, 'services', service, 'serverless.yml'), 'utf8');
/** serverless.yml without its comments, which may well mention a setting's value. */
const withoutComments = (text: string): string => text.replace(/(^|\s)#.*$/gm, '$1');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `value` as a whole token, not part of a longer name or path. */
const writes = (text: string, value: string): boolean =>
  new RegExp(`(?<![\\w/.-])${escapeRegExp(value)}(?![\\w/.-])`).test(text);

/** The `params:` section, with CloudFormation tags (`!Sub`, `!Ref`) read as plain values. */
const paramsOf = (service: string): Record<string, unknown> => {
  const document = parseDocument(serverlessYml(service), { customTags: [] });
  const params = document.toJS({ maxAliasCount: -1 })?.params as Record<string, unknown> | undefined;
  return params ?? {};
};

/** Leaf values of a config file that are specific enough to be recognised if copied elsewhere. */
const distinctiveValues = (file: string): string[] => {
  const values: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(walk);
    else if (typeof node === 'string' && /^[\w./{}:-]{6,}$/.test(node) && !node.startsWith('/opt/'))
      values.push(node);
  };
  walk(parseDocument(readFileSync(join(repoRoot, 'config', file), 'utf8')).toJS());
  return [...new Set(values)];
};

describe('serverless.yml and the stage config', () => {
  it('has one stack key per packaged stack', () => {
    // Assess
    expect(stacks.map(stackKey).sort()).toEqual([...STACKS].sort());
  });

  it.each(stacks)('gives %s params only from config/<stage>.yml, with no stage section', (service) => {
    // Act
    const params = paramsOf(service);
    const literal = Object.entries((params.default ?? {}) as Record<string, unknown>).filter(
      ([name, value]) => value !== `\${file(../../config/stageConfig.cjs):${stackKey(service)}.${name}}`,
    );

    // Assess
    expect(Object.keys(params)).toEqual(['default']);
    expect(literal).toEqual([]);
  });

  it.each(['example.yml', 'local.yml'])('finds no value of config/%s written in a serverless.yml', (file) => {
    // Prepare
    const sources = stacks.map((service) => ({ service, text: withoutComments(serverlessYml(service)) }));

    // Act
    const copies = distinctiveValues(file).flatMap((value) =>
      sources.filter(({ text }) => writes(text, value)).map(({ service }) => `${service}: ${value}`),
    );

    // Assess
    expect(copies).toEqual([]);
  });
});

describe('packaging a broken stage config', () => {
  const stage = `broken${process.pid}`;
  const file = join(repoRoot, 'config', `${stage}.yml`);

  beforeAll(() => {
    // Prepare: config/local.yml with a string where a list belongs and a misspelt field.
    const local = readFileSync(join(repoRoot, 'config', 'local.yml'), 'utf8');
    writeFileSync(
      file,
      local
        .replace('allowedUsers: [U0LOCAL1, U0LOCAL2]', 'allowedUsers: U0LOCAL1')
        .replace('keyName:', 'keyname:'),
    );
  });
  afterAll(() => rmSync(file, { force: true }));

  it('fails `npm run package` before osls runs, naming each field and the fix', () => {
    // Act
    const started = Date.now();
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, STAGE: stage },
      encoding: 'utf8',
    });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`config/${stage}.yml is not a valid stage config:`);
    expect(result.stderr).toContain('slack.allowedUsers: must be a YAML list, e.g. [U024BE7LH, U0G9QF9C6]');
    expect(result.stderr).toContain('instances.keyname: is not a field; remove it or fix its spelling');
    expect(result.stderr).toContain('instances.keyName: is missing');
    expect(result.stdout).not.toContain('package: ok');
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('fails a direct `osls package` (as a deploy would) with the same problems', () => {
    // Act
    const result = spawnSync('npx', ['osls', 'package', '--stage', stage], {
      cwd: join(repoRoot, 'services', 'platform'),
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'offline',
        AWS_SECRET_ACCESS_KEY: 'offline',
        SLS_TELEMETRY_DISABLED: '1',
      },
      encoding: 'utf8',
    });

    // Assess
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('slack.allowedUsers: must be a YAML list');
  }, 60_000);
});
