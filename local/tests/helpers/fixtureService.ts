import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageService } from '../../src/templates/packaging';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'routing-service');

/** A unique stage, so tests sharing the jest run's moto never collide on names. */
export const uniqueStage = (prefix: string): string =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface PackagedFixture {
  dir: string;
  /** Rewrites serverless.yml and packages again (the "edit the pattern" step of the routing proof). */
  repackage(edit: (yml: string) => string): Promise<void>;
  remove(): void;
}

/** Copies the fixture service to a temp dir and packages it with osls for `stage`. */
export const packageFixture = async (stage: string): Promise<PackagedFixture> => {
  const dir = mkdtempSync(join(tmpdir(), 'branch-envs-fixture-'));
  cpSync(FIXTURE_DIR, dir, { recursive: true, filter: (source) => !source.includes('.serverless') });
  await packageService(dir, stage);
  return {
    dir,
    repackage: async (edit) => {
      const file = join(dir, 'serverless.yml');
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      await packageService(dir, stage);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};
