import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedContractFiles } from '../../src/contracts-doc/generate';
import type { EventContract } from '../../src/envelope';
import { allContracts, SlackResponseUrl } from '../../src/events';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'shared', 'fixtures');
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));
const validFixture = (c: EventContract) =>
  readJson(join(fixtures, `${c.detailType}.v${c.schemaVersion}.json`));

/** Every version still supported, by detail-type: a v2 is added beside v1. */
const supported = new Map<string, EventContract[]>();
for (const c of allContracts) supported.set(c.detailType, [...(supported.get(c.detailType) ?? []), c]);
const versionName = (c: EventContract): string => `${c.detailType} v${c.schemaVersion}`;

describe('event contracts', () => {
  it.each(
    allContracts.map((c) => [c.detailType, c] as const),
  )('%s parses its valid fixture', (_name, contract) => {
    // Prepare
    const fixture = validFixture(contract);

    // Act
    const result = contract.detail.safeParse(fixture);

    // Assess
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  // A consumer lists every supported version of a detail-type; each event must match exactly one.
  it.each(
    allContracts.map((c) => [versionName(c), c] as const),
  )('%s fixture parses with its own version and no other supported version', (_name, contract) => {
    const fixture = validFixture(contract);
    const versions = supported.get(contract.detailType) ?? [];

    const accepting = versions.filter((v) => v.detail.safeParse(fixture).success).map(versionName);

    expect(versions.length).toBeGreaterThan(0);
    expect(accepting).toEqual([versionName(contract)]);
  });

  it.each(
    allContracts.map((c) => [c.detailType, c] as const),
  )('%s rejects the fixture with any required data field removed', (_name, contract) => {
    const fixture = validFixture(contract) as { metadata: object; data: Record<string, unknown> };
    const shape = (
      contract.data as unknown as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }
    ).shape;
    const required = Object.keys(fixture.data).filter((key) => !shape[key]?.safeParse(undefined).success);

    const survivors = required.filter((key) => {
      const { [key]: _removed, ...rest } = fixture.data;
      return contract.detail.safeParse({ ...fixture, data: rest }).success;
    });

    expect(required.length).toBeGreaterThan(2);
    expect(survivors).toEqual([]);
  });

  it.each(
    allContracts.map((c) => [c.detailType, c] as const),
  )('%s rejects the fixture with any metadata field removed', (_name, contract) => {
    const fixture = validFixture(contract) as { metadata: Record<string, unknown>; data: object };

    const survivors = Object.keys(fixture.metadata).filter((key) => {
      const { [key]: _removed, ...rest } = fixture.metadata;
      return contract.detail.safeParse({ ...fixture, metadata: rest }).success;
    });

    expect(survivors).toEqual([]);
  });

  const invalidDir = join(fixtures, 'invalid');
  /** `DeployRequested.v2.pull-zero.json` is an invalid `DeployRequested v2`. */
  const invalid = readdirSync(invalidDir).map((file) => {
    const [detailType = '', version = ''] = file.split('.');
    return [file, `${detailType} ${version}`] as const;
  });

  it('has at least one invalid fixture for every event version', () => {
    const covered = new Set<string>(invalid.map(([, name]) => name));

    expect(allContracts.map(versionName).filter((name) => !covered.has(name))).toEqual([]);
  });

  it.each(invalid)('rejects the invalid fixture %s', (file, name) => {
    const contract = allContracts.find((c) => versionName(c) === name);
    const fixture = readJson(join(invalidDir, file));

    const result = contract?.detail.safeParse(fixture);

    expect(contract).toBeDefined();
    expect(result?.success).toBe(false);
  });
});

describe('generated contract documents', () => {
  it.each(
    [...generatedContractFiles().entries()].map(([path, content]) => [path, content]),
  )('%s is up to date with the zod schemas (run `npm run contracts` if not)', (path, content) => {
    const committed = readFileSync(join(root, path), 'utf8');

    expect(committed).toBe(content);
  });

  it('lists every event as an AsyncAPI 3 channel', () => {
    const asyncapi = readFileSync(join(root, 'docs', 'events', 'asyncapi.yaml'), 'utf8');

    expect(asyncapi.startsWith('asyncapi: 3.0.0')).toBe(true);
    for (const c of allContracts)
      expect(asyncapi).toContain(`  ${c.detailType}:\n    address: ${c.detailType}`);
  });
});

describe('SlackResponseUrl', () => {
  it.each([
    ['https://hooks.slack.com/commands/T1/2/abc', true],
    ['https://hooks.slack.com//evil.example.com/x', false],
    ['https://hooks.slack.com.evil.example.com/x', false],
    ['http://hooks.slack.com/commands/T1/2/abc', false],
    ['https://evil.example.com/?https://hooks.slack.com/', false],
  ])('accepts %s: %p', (url, ok) => {
    expect(SlackResponseUrl.safeParse(url).success).toBe(ok);
  });
});
