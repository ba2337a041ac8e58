import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagedStageOf, staleReason } from '../../src/templates/packaging';

let root: string;

/** A service folder as osls leaves it after `osls package --stage <stage>`. */
const packagedService = (name: string, stage: string | undefined): string => {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, '.serverless'), { recursive: true });
  writeFileSync(join(dir, 'serverless.yml'), 'service: x\n');
  writeFileSync(join(dir, 'src', 'handler.ts'), 'export {};\n');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'serverless.yml'), old, old);
  utimesSync(join(dir, 'src', 'handler.ts'), old, old);
  utimesSync(join(dir, 'src'), old, old);
  writeFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), '{"Resources":{}}');
  if (stage !== undefined) {
    const state = { service: { service: 'x', provider: { name: 'aws', stage, region: 'eu-north-1' } } };
    writeFileSync(join(dir, '.serverless', 'serverless-state.json'), JSON.stringify(state));
  }
  return dir;
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'packaging-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('staleReason', () => {
  it('a stale package of another stage breaks the local stack: a ci template is repackaged', () => {
    // Prepare
    const dir = packagedService('ingress', 'ci');

    // Act
    const reason = staleReason(dir, 'local');

    // Assess
    expect(packagedStageOf(dir)).toBe('ci');
    expect(reason).toBe('its template is of stage ci, not local');
  });

  it('keeps an up-to-date template of the local stage', () => {
    expect(staleReason(packagedService('ingress', 'local'), 'local')).toBeUndefined();
  });

  it('repackages a template whose stage it cannot tell', () => {
    expect(staleReason(packagedService('ingress', undefined), 'local')).toBe('its packaged stage is unknown');
  });

  it('repackages a local template older than its sources', () => {
    // Prepare
    const dir = packagedService('ingress', 'local');
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), old, old);

    // Act / Assess
    expect(staleReason(dir, 'local')).toBe('its sources changed since');
  });

  it('packages a service that was never packaged', () => {
    // Prepare
    const dir = packagedService('ingress', 'local');
    rmSync(join(dir, '.serverless'), { recursive: true });

    // Act / Assess
    expect(staleReason(dir, 'local')).toBe('not packaged yet');
  });
});
