import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { profileFromDisk } from '../../../src/adapters/profileFromDisk';
import { ProfileTemplateError } from '../../../src/domain/userData/errors';
import { profileFileReferences } from '../../../src/domain/userData/profile';
import { CLOUD_INIT_DIR } from './userDataFixtures';

describe('profileFromDisk', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'profile-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function writeProfile(name: string, cloudConfig: string, files: Record<string, string> = {}): void {
    mkdirSync(path.join(root, name), { recursive: true });
    writeFileSync(path.join(root, name, 'cloud-config.yaml'), cloudConfig);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
  }

  it('reads the template and every file it embeds, keyed by the path the template uses', async () => {
    // Prepare
    writeProfile(
      'profiles/app',
      '#cloud-config\nwrite_files:\n  - path: /a.sh\n    content: !file shared/a.sh\n',
      { 'shared/a.sh': '#!/bin/bash\necho a\n' },
    );

    // Act
    const profile = await profileFromDisk(root, 'profiles/app');

    // Assess
    expect(profile).toEqual({
      name: 'profiles/app',
      cloudConfig: '#cloud-config\nwrite_files:\n  - path: /a.sh\n    content: !file shared/a.sh\n',
      files: { 'shared/a.sh': '#!/bin/bash\necho a\n' },
    });
  });

  it('refuses a !file path that leaves the cloud-init directory', async () => {
    // Prepare
    writeProfile('profiles/app', '#cloud-config\nwrite_files:\n  - path: /a\n    content: !file ../secret\n');
    writeFileSync(path.join(path.dirname(root), 'secret'), 'not for user data');

    // Act
    const loading = profileFromDisk(root, 'profiles/app');

    // Assess
    await expect(loading).rejects.toThrow(ProfileTemplateError);
    await expect(loading).rejects.toThrow('../secret is outside');
    rmSync(path.join(path.dirname(root), 'secret'), { force: true });
  });

  it('names the file it cannot read', async () => {
    // Prepare
    writeProfile('profiles/app', '#cloud-config\nwrite_files:\n  - path: /a\n    content: !file gone.sh\n');

    // Act
    const loading = profileFromDisk(root, 'profiles/app');

    // Assess
    await expect(loading).rejects.toThrow('cloud-init profile profiles/app: cannot read gone.sh');
  });

  it('loads every file the shipped profiles reference', async () => {
    // Prepare
    const cloudConfig = readFileSync(path.join(CLOUD_INIT_DIR, 'examples/ote/cloud-config.yaml'), 'utf8');

    // Act
    const profile = await profileFromDisk(CLOUD_INIT_DIR, 'examples/ote');

    // Assess
    expect(Object.keys(profile.files)).toEqual(profileFileReferences({ name: 'examples/ote', cloudConfig }));
    expect(Object.keys(profile.files)).toContain('examples/ote/hooks/rewrite-config.sh');
  });
});
