import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ProfileTemplateError } from '../domain/userData/errors';
import { type Profile, profileFileReferences } from '../domain/userData/profile';

/** The template file every profile directory holds. */
export const CLOUD_CONFIG_FILE = 'cloud-config.yaml';

/**
 * Reads a cloud-init profile from the `cloud-init/` directory tree: `<root>/<name>/cloud-config.yaml`
 * and every file it embeds with `!file <path>` (paths relative to `<root>`, so one profile can reuse
 * another's scripts).
 *
 * The Lambda calls this once at cold start, with `<root>` taken from its config and the directory
 * shipped through serverless `package.patterns`; the templates then stay plain files that
 * shellcheck, `bash -n` and `cloud-init schema` can check where they are written.
 *
 * @param rootDir the `cloud-init/` directory.
 * @param name the profile's directory under it, e.g. `profiles/jvm-postgres` or `examples/ote`.
 * @throws ProfileTemplateError when a path leaves `rootDir` or a file cannot be read.
 */
export async function profileFromDisk(rootDir: string, name: string): Promise<Profile> {
  const cloudConfig = await readInside(rootDir, path.posix.join(name, CLOUD_CONFIG_FILE), name);
  const files: Record<string, string> = {};
  for (const reference of profileFileReferences({ name, cloudConfig })) {
    files[reference] = await readInside(rootDir, reference, name);
  }
  return { name, cloudConfig, files };
}

async function readInside(rootDir: string, relative: string, profile: string): Promise<string> {
  const root = path.resolve(rootDir);
  const file = path.resolve(root, relative);
  const fromRoot = path.relative(root, file);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
    throw new ProfileTemplateError(profile, `${relative} is outside ${rootDir}`);
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ProfileTemplateError(profile, `cannot read ${relative}`, { cause: error });
  }
}
