import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import {
  InvalidBranchNameError,
  InvalidUserDataInputError,
  ProfileTemplateError,
  UserDataTooLargeError,
} from '../../../src/domain/userData/errors';
import { type Profile, parseTemplate } from '../../../src/domain/userData/profile';
import { EC2_USER_DATA_LIMIT_BYTES, renderUserData } from '../../../src/domain/userData/renderUserData';
import type { UserDataInput } from '../../../src/domain/userData/userDataInput';
import {
  argvProfile,
  hostileBranchNames,
  incompressibleText,
  loadProfile,
  minimalInput,
  profileNames,
  sampleInput,
} from './userDataFixtures';

interface WriteFile {
  path: string;
  content: string;
  permissions?: string;
}

interface CloudConfig {
  write_files: WriteFile[];
  runcmd: (string | string[])[];
}

/** Reads rendered user data back the way cloud-init's YAML 1.1 parser does. */
function readBack(text: string): CloudConfig {
  const parsed: CloudConfig = parse(text, { version: '1.1' });
  return parsed;
}

function deployJsonOf(config: CloudConfig): Record<string, unknown> {
  const file = config.write_files.find((entry) => entry.path === '/etc/branch-envs/deploy.json');
  if (file === undefined) throw new Error('no deploy.json in the rendered user data');
  return JSON.parse(file.content);
}

const validNames = hostileBranchNames().filter((entry) => entry.validRef);
const invalidNames = hostileBranchNames().filter((entry) => !entry.validRef);

describe('renderUserData with the profiles in cloud-init/', () => {
  const profiles = new Map<string, Profile>();

  beforeAll(async () => {
    for (const name of profileNames()) profiles.set(name, await loadProfile(name));
  });

  function profile(name: string): Profile {
    const found = profiles.get(name);
    if (found === undefined) throw new Error(`profile ${name} was not loaded`);
    return found;
  }

  it('finds the generic profile and the ote example', () => {
    // Assess
    expect([...profiles.keys()]).toEqual(expect.arrayContaining(['profiles/jvm-postgres', 'examples/ote']));
  });

  it.each(profileNames())('renders the sample input of %s into cloud-config that reads back', (name) => {
    // Prepare
    const input = sampleInput(name);

    // Act
    const rendered = renderUserData(profile(name), input);

    // Assess
    expect(rendered.text.startsWith('#cloud-config\n')).toBe(true);
    const deploy = deployJsonOf(readBack(rendered.text));
    expect(deploy).toMatchObject({
      schemaVersion: 1,
      deployId: input.deployId,
      branch: input.branch,
      query: input.query,
      ownerName: input.ownerName,
      env: input.env,
      appPort: input.appPort,
    });
  });

  it.each(
    profileNames(),
  )('writes every script of %s byte for byte, so nothing is spliced into them', (name) => {
    // Prepare
    const loaded = profile(name);

    // Act
    const config = readBack(renderUserData(loaded, sampleInput(name)).text);

    // Assess
    const embedded = config.write_files.filter((file) => file.path !== '/etc/branch-envs/deploy.json');
    expect(embedded.map((file) => file.content).sort()).toEqual(Object.values(loaded.files).sort());
  });

  it.each(profileNames())('gives deploy.json to root alone in %s', (name) => {
    // Act
    const config = readBack(renderUserData(profile(name), sampleInput(name)).text);

    // Assess
    expect(config.write_files.find((file) => file.path === '/etc/branch-envs/deploy.json')).toMatchObject({
      permissions: '0600',
      owner: 'root:root',
    });
  });

  it('carries every valid corpus name verbatim in deploy.json and keeps runcmd free of shell strings', () => {
    // Prepare
    const loaded = profile('profiles/jvm-postgres');

    // Act
    const results = validNames.map((entry) => {
      const config = readBack(renderUserData(loaded, sampleInput(loaded.name, { branch: entry.name })).text);
      return { name: entry.name, branch: deployJsonOf(config).branch, runcmd: config.runcmd };
    });

    // Assess
    expect(results.filter((result) => result.branch !== result.name)).toEqual([]);
    expect(
      results.flatMap((result) => result.runcmd.filter((command) => typeof command === 'string')),
    ).toEqual([]);
    expect(
      results.flatMap((result) => result.runcmd.flat().filter((arg) => arg.includes(result.name))),
    ).toEqual([]);
  });

  it('renders printable ASCII only, whatever the branch holds', () => {
    // Prepare
    const loaded = profile('examples/ote');

    // Act
    const nonAscii = validNames.filter(
      (entry) =>
        !/^[\t\n\x20-\x7e]*$/.test(
          renderUserData(loaded, sampleInput(loaded.name, { branch: entry.name })).text,
        ),
    );

    // Assess
    expect(nonAscii).toEqual([]);
  });

  it.each(
    invalidNames.map((entry) => [entry.note, entry.name]),
  )('refuses a branch name with %s', (_note, name) => {
    // Prepare
    const input = sampleInput('profiles/jvm-postgres', { branch: name });

    // Act
    const act = () => renderUserData(profile('profiles/jvm-postgres'), input);

    // Assess
    expect(act).toThrow(InvalidBranchNameError);
  });

  it('keeps plain text when it fits, so the console and DescribeInstanceAttribute stay readable', () => {
    // Act
    const rendered = renderUserData(profile('profiles/jvm-postgres'), sampleInput('profiles/jvm-postgres'));

    // Assess
    expect(rendered.gzip).toBe(false);
    expect(Buffer.from(rendered.base64, 'base64').toString('utf8')).toBe(rendered.text);
    expect(rendered.byteLength).toBe(Buffer.byteLength(rendered.text));
  });

  it('gzips the payload when the text alone exceeds 16 KB, as with three pre-signed URLs', () => {
    // Act
    const rendered = renderUserData(profile('examples/ote'), sampleInput('examples/ote'));

    // Assess
    expect(Buffer.byteLength(rendered.text)).toBeGreaterThan(EC2_USER_DATA_LIMIT_BYTES);
    expect(rendered.gzip).toBe(true);
    expect(rendered.byteLength).toBeLessThanOrEqual(EC2_USER_DATA_LIMIT_BYTES);
    expect(gunzipSync(Buffer.from(rendered.base64, 'base64')).toString('utf8')).toBe(rendered.text);
  });

  it('throws UserDataTooLargeError with the size and the limit when even the gzip is too large', () => {
    // Prepare
    const input = sampleInput('profiles/jvm-postgres', { env: { NOISE: incompressibleText(40_000) } });

    // Act
    let caught: unknown;
    try {
      renderUserData(profile('profiles/jvm-postgres'), input);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(UserDataTooLargeError);
    expect(caught).toMatchObject({ name: 'UserDataTooLargeError', limit: 16384 });
    expect((caught as UserDataTooLargeError).byteLength).toBeGreaterThan(16384);
  });

  it('drops the template comments, which would only spend the 16 KB budget', () => {
    // Act
    const rendered = renderUserData(profile('profiles/jvm-postgres'), sampleInput('profiles/jvm-postgres'));

    // Assess
    expect(profile('profiles/jvm-postgres').cloudConfig).toContain('Comments are dropped');
    expect(rendered.text).not.toContain('Comments are dropped');
  });

  it('keeps the ote example identical to jvm-postgres apart from its two hooks', () => {
    // Prepare
    const generic: CloudConfig = parseTemplate(profile('profiles/jvm-postgres')).toJS();
    const example: CloudConfig = parseTemplate(profile('examples/ote')).toJS();

    // Act
    const hooks = example.write_files.filter((file) => file.path.includes('/hooks/'));
    const rest = { ...example, write_files: example.write_files.filter((file) => !hooks.includes(file)) };

    // Assess
    expect(hooks.map((file) => file.path)).toEqual([
      '/usr/local/libexec/branch-envs/hooks/rewrite-config',
      '/usr/local/libexec/branch-envs/hooks/post-restore',
    ]);
    expect(rest).toEqual(generic);
  });
});

describe('renderUserData placing values', () => {
  it('passes a branch as one argv element of a runcmd list', () => {
    // Prepare
    const input = minimalInput({ branch: 'feat/$(reboot);`id`' });

    // Act
    const config = readBack(renderUserData(argvProfile(), input).text);

    // Assess
    expect(config.runcmd).toEqual([['/usr/bin/printf', '%s\n', 'feat/$(reboot);`id`', input.deployId]]);
  });

  it.each([
    'yes',
    'no',
    'off',
    '0755',
    'null',
    '1e3',
  ])('keeps the YAML 1.1 look-alike %p a string', (branch) => {
    // Act
    const config = readBack(renderUserData(argvProfile(), minimalInput({ branch })).text);

    // Assess
    expect(config.runcmd[0]?.[2]).toBe(branch);
  });

  it('writes an env value with newlines and quotes unchanged into deploy.json', () => {
    // Prepare
    const value = 'line one\nline "two"\n\t$(not run)\n';

    // Act
    const config = readBack(renderUserData(argvProfile(), minimalInput({ env: { GREETING: value } })).text);

    // Assess
    expect(deployJsonOf(config).env).toEqual({ GREETING: value });
  });
});

describe('renderUserData accepting s3 keys', () => {
  it.each([
    'ÄÖ-ünïcødé',
    'a\u2028b',
    'a\u0085b',
    'feat/$(reboot)',
  ])('keeps the branch %p in an s3 URI as it is', (branch) => {
    // Prepare
    const url = `s3://bucket/build-artifacts/shop-${branch}.jar`;
    const input = minimalInput({
      branch,
      artifacts: [{ name: 'jar', url, dest: '/opt/branch-envs/app/app.jar' }],
    });

    // Act
    const deploy = deployJsonOf(readBack(renderUserData(argvProfile(), input).text));

    // Assess
    expect(deploy.artifacts).toEqual([
      { name: 'jar', url, sha256: null, dest: '/opt/branch-envs/app/app.jar' },
    ]);
  });
});

describe('renderUserData refusing unsafe templates', () => {
  const template = (lines: string[]): Profile => ({
    name: 'test/bad',
    cloudConfig: ['#cloud-config', ...lines, ''].join('\n'),
    files: { 'x.sh': '#!/bin/bash\n' },
  });

  it.each<[string, string[]]>([
    ['a !param that is a runcmd shell string', ['runcmd:', '  - !param branch']],
    ['a !param as the command of a runcmd list', ['runcmd:', '  - [!param branch, x]']],
    ['a !param outside write_files and runcmd', ['hostname: !param branch']],
    ['a !param inside a bootcmd list', ['bootcmd:', '  - [echo, !param branch]']],
    [
      'a !param in a file that others may read',
      ['write_files:', '  - path: /x', "    permissions: '0644'", '    content: !param deployJson'],
    ],
    [
      'a !param in a file with no permissions',
      ['write_files:', '  - path: /x', '    content: !param deployJson'],
    ],
    ['a !param in a write_files path', ['write_files:', '  - path: !param branch', '    content: x']],
    ['an unknown !param', ['runcmd:', '  - [echo, !param secret]']],
    ['a !file the profile does not hold', ['write_files:', '  - path: /x', '    content: !file missing.sh']],
    ['a !file in runcmd', ['runcmd:', '  - [bash, !file x.sh]']],
    ['an unknown tag', ['runcmd:', '  - [echo, !env HOME]']],
  ])('refuses %s', (_case, lines) => {
    // Act
    const act = () => renderUserData(template(lines), minimalInput());

    // Assess
    expect(act).toThrow(ProfileTemplateError);
  });

  it('refuses a template without the #cloud-config header', () => {
    // Prepare
    const profile: Profile = { name: 'test/headless', cloudConfig: 'runcmd:\n  - [true]\n', files: {} };

    // Act
    const act = () => renderUserData(profile, minimalInput());

    // Assess
    expect(act).toThrow('the template must start with "#cloud-config"');
  });
});

describe('renderUserData refusing unsafe input', () => {
  const jar = { name: 'jar', url: 's3://bucket/app.jar', dest: '/opt/branch-envs/app/app.jar' };

  it.each<[string, Partial<UserDataInput>, string]>([
    ['an env name that is not a shell identifier', { env: { 'A-B': 'x' } }, 'env key'],
    ['an env name with the reserved prefix', { env: { BRANCH_ENVS_BRANCH: 'x' } }, 'env.BRANCH_ENVS_BRANCH'],
    ['a NUL in an env value', { env: { A: 'a\0b' } }, 'env.A'],
    ['a NUL in the query', { query: 'a\0b' }, 'query'],
    ['a lone surrogate in the owner name', { ownerName: 'x\uDC00' }, 'ownerName'],
    ['an http artifact URL', { artifacts: [{ ...jar, url: 'http://bucket/app.jar' }] }, 'artifacts[0].url'],
    [
      'an s3 URI with a newline',
      { artifacts: [{ ...jar, url: 's3://bucket/a\nb.jar' }] },
      'artifacts[0].url',
    ],
    [
      'an https URL that is not percent-encoded',
      { artifacts: [{ ...jar, url: 'https://h/ä' }] },
      'artifacts[0].url',
    ],
    ['an s3 URI without a key', { artifacts: [{ ...jar, url: 's3://bucket' }] }, 'artifacts[0].url'],
    ['an s3 URI with a DEL', { artifacts: [{ ...jar, url: 's3://bucket/a\x7f.jar' }] }, 'artifacts[0].url'],
    ['a relative destination', { artifacts: [{ ...jar, dest: 'app.jar' }] }, 'artifacts[0].dest'],
    ['a destination with ..', { artifacts: [{ ...jar, dest: '/opt/../etc/passwd' }] }, 'artifacts[0].dest'],
    ['a checksum that is not SHA-256', { artifacts: [{ ...jar, sha256: 'abc' }] }, 'artifacts[0].sha256'],
    ['two artifacts with one name', { artifacts: [jar, { ...jar, dest: '/opt/x.jar' }] }, 'artifacts[].name'],
    ['a privileged app port', { appPort: 80 }, 'appPort'],
    ['a fractional app port', { appPort: 8080.5 }, 'appPort'],
    ['a health path without a leading slash', { healthPath: 'health' }, 'healthPath'],
    [
      'a phone-home URL that is not http(s)',
      { phoneHome: { url: 'file:///etc/passwd', token: 'a'.repeat(43) } },
      'phoneHome.url',
    ],
    [
      'a phone-home token that is not 32 bytes of base64url',
      { phoneHome: { url: 'https://example.com/phone-home/x', token: 'short; rm -rf /' } },
      'phoneHome.token',
    ],
    ['a database name that is not a plain SQL name', { db: { name: 'a;b', owner: 'o' } }, 'db.name'],
    [
      'a dump artifact that does not exist',
      { db: { name: 'a', owner: 'o', dumpArtifact: 'dump' } },
      'db.dumpArtifact',
    ],
    ['an app id with capitals', { app: 'Shop' }, 'app'],
    ['a deploy id with a slash', { deployId: '01/x' }, 'deployId'],
  ])('refuses %s', (_case, overrides, field) => {
    // Act
    let caught: unknown;
    try {
      renderUserData(argvProfile(), minimalInput(overrides));
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidUserDataInputError);
    expect(caught).toMatchObject({ name: 'InvalidUserDataInputError', field });
  });
});
