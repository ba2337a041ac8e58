import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { profileFromDisk } from '../../../src/adapters/profileFromDisk';
import type { Profile } from '../../../src/domain/userData/profile';
import type { UserDataInput } from '../../../src/domain/userData/userDataInput';

/** The repository's `cloud-init/` directory. */
export const CLOUD_INIT_DIR = path.resolve(__dirname, '../../../../../cloud-init');

/** One entry of `cloud-init/hostile-branch-names.json`. */
export interface HostileBranchName {
  name: string;
  validRef: boolean;
  note: string;
}

/** The corpus shared with the provisioner: names that are hostile to shells, YAML or git. */
export function hostileBranchNames(): HostileBranchName[] {
  const raw: unknown = JSON.parse(
    readFileSync(path.join(CLOUD_INIT_DIR, 'hostile-branch-names.json'), 'utf8'),
  );
  if (!Array.isArray(raw)) throw new Error('hostile-branch-names.json must hold an array');
  return raw.map((entry: unknown, index) => {
    if (
      typeof entry !== 'object' ||
      entry === null ||
      !('name' in entry && typeof entry.name === 'string') ||
      !('validRef' in entry && typeof entry.validRef === 'boolean') ||
      !('note' in entry && typeof entry.note === 'string')
    ) {
      throw new Error(`hostile-branch-names.json[${index}] must be {name, validRef, note}`);
    }
    return { name: entry.name, validRef: entry.validRef, note: entry.note };
  });
}

/** Every profile directory under `cloud-init/` (the generic ones and the examples). */
export function profileNames(): string[] {
  return ['profiles', 'examples'].flatMap((group) =>
    readdirSync(path.join(CLOUD_INIT_DIR, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${group}/${entry.name}`),
  );
}

/** Reads a profile the way the Lambda does. */
export function loadProfile(name: string): Promise<Profile> {
  return profileFromDisk(CLOUD_INIT_DIR, name);
}

/**
 * The profile's `sample-input.json`: realistic values for that app. Parsed as JSON and trusted as
 * a fixture; the renderer validates every field anyway.
 */
export function sampleInput(profileName: string, overrides: Partial<UserDataInput> = {}): UserDataInput {
  const text = readFileSync(path.join(CLOUD_INIT_DIR, profileName, 'sample-input.json'), 'utf8');
  const sample: UserDataInput = JSON.parse(text);
  return { ...sample, ...overrides };
}

/** A minimal valid input, for tests that build their own profile. */
export function minimalInput(overrides: Partial<UserDataInput> = {}): UserDataInput {
  return {
    deployId: '01JD5Z4QWJ3K8T6M2N9P0R7S1X',
    stage: 'dev',
    branch: 'feature/login-page',
    app: 'shop',
    query: 'login',
    ownerName: 'Alex Example',
    artifacts: [
      { name: 'jar', url: 's3://bucket/build-artifacts/shop.jar', dest: '/opt/branch-envs/app/app.jar' },
    ],
    env: {},
    healthPath: '/health',
    appPort: 8080,
    ...overrides,
  };
}

/** A profile that puts values in both places the renderer allows: file content and runcmd argv. */
export function argvProfile(): Profile {
  return {
    name: 'test/argv',
    cloudConfig: [
      '#cloud-config',
      'write_files:',
      '  - path: /etc/branch-envs/deploy.json',
      "    permissions: '0600'",
      '    content: !param deployJson',
      'runcmd:',
      '  - [/usr/bin/printf, "%s\\n", !param branch, !param deployId]',
      '',
    ].join('\n'),
    files: {},
  };
}

/** Deterministic bytes that gzip cannot shrink, for oversize inputs. */
export function incompressibleText(length: number): string {
  let state = 0x2545f491;
  let text = '';
  while (text.length < length) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    text += (state >>> 0).toString(36);
  }
  return text.slice(0, length);
}
