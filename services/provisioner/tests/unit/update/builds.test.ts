import type { Build } from '@branch-envs/shared/events/build';
import { isNewerBuild } from '../../../src/domain/update/builds';
import { branchesOfKey, updateInputFor } from '../../../src/domain/update/updateInput';
import { appSettings } from '../../helpers/factories';

const build = (headSha: string, times: Record<string, string>): Build => ({
  headSha,
  artifacts: Object.entries(times).map(([key, lastModified]) => ({
    key,
    lastModified,
    sizeBytes: 10,
    eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  })),
  builtAt: Object.values(times).sort().at(-1) ?? '',
});

const running = build('a'.repeat(40), { jar: '2026-11-26T08:00:00.000Z', dump: '2026-11-26T08:01:00.000Z' });

describe('isNewerBuild', () => {
  it('is true when every artifact the environment runs has a newer object', () => {
    const candidate = build('b'.repeat(40), {
      jar: '2026-11-26T09:00:00.000Z',
      dump: '2026-11-26T09:01:00.000Z',
    });

    expect(isNewerBuild(candidate, running)).toBe(true);
  });

  it('is false while only some artifacts are new (a build still uploading)', () => {
    const candidate = build('b'.repeat(40), {
      jar: '2026-11-26T09:00:00.000Z',
      dump: '2026-11-26T08:01:00.000Z',
    });

    expect(isNewerBuild(candidate, running)).toBe(false);
  });

  it('is false for the build the environment already runs, so a redelivered upload changes nothing', () => {
    expect(isNewerBuild(running, running)).toBe(false);
  });

  it('bug: a launch artifact without a destination (the config) made every upload look old — it is not compared', () => {
    // Prepare: the launch recorded jar, config and dump; the instance receives (and the update offers) jar and dump.
    const launched = build('a'.repeat(40), {
      jar: '2026-11-26T08:00:00.000Z',
      config: '2026-11-26T08:00:00.000Z',
      dump: '2026-11-26T08:01:00.000Z',
    });
    const candidate = build('b'.repeat(40), {
      jar: '2026-11-26T09:00:00.000Z',
      dump: '2026-11-26T09:01:00.000Z',
    });
    const halfUploaded = build('b'.repeat(40), {
      jar: '2026-11-26T09:00:00.000Z',
      dump: '2026-11-26T08:01:00.000Z',
    });

    // Act + Assess
    expect(isNewerBuild(candidate, launched)).toBe(true);
    expect(isNewerBuild(halfUploaded, launched)).toBe(false);
  });

  it('is false when the candidate shares no artifact with what the environment runs', () => {
    const candidate = build('b'.repeat(40), { other: '2026-11-26T09:00:00.000Z' });

    expect(isNewerBuild(candidate, running)).toBe(false);
  });

  it('is true for an environment launched before builds were recorded', () => {
    expect(isNewerBuild(running, undefined)).toBe(true);
  });
});

describe('branchesOfKey', () => {
  const { artifacts } = appSettings();

  it('finds the branch of an uploaded key, slashes included', () => {
    expect(branchesOfKey(artifacts, 'shop', 'build-artifacts/shop-feature/ABC-1.jar')).toEqual([
      'feature/ABC-1',
    ]);
  });

  it('returns every branch a key fits when two templates could have produced it', () => {
    expect(branchesOfKey(artifacts, 'shop', 'build-artifacts/shop-x-pgdump.gz')).toEqual(['x']);
    expect(branchesOfKey(artifacts, 'shop', 'build-artifacts/shop-x-pgdump.gz.jar')).toEqual(['x-pgdump.gz']);
  });

  it('finds nothing for a key outside the templates (another app, another prefix)', () => {
    expect(branchesOfKey(artifacts, 'shop', 'build-artifacts/cart-main.war')).toEqual([]);
    expect(branchesOfKey(artifacts, 'shop', 'other/shop-main.jar')).toEqual([]);
  });
});

describe('updateInputFor', () => {
  const { artifacts } = appSettings();
  const branch = 'feature/$(reboot)';
  const keys = artifacts.map((a) => a.key.replace('{app}', 'shop').replace('{branch}', branch));
  const target = build('c'.repeat(40), {
    [keys[0] ?? '']: '2026-11-26T09:00:00.000Z',
    [keys[1] ?? '']: '2026-11-26T09:00:00.000Z',
  });
  const links = {
    linkFor: async (bucket: string, key: string) =>
      `https://${bucket}.s3.example/${encodeURIComponent(key)}?X-Amz-Signature=x`,
  };

  it('encodes base64url only, whatever the branch holds, and names artifacts without destinations', async () => {
    const input = await updateInputFor(
      { deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S', sequence: 1, branch, reseed: false, build: target },
      { artifacts, app: 'shop', bucket: 'acme' },
      links,
    );

    expect(input).toMatch(/^[A-Za-z0-9_-]+$/);
    const document = JSON.parse(Buffer.from(input, 'base64url').toString('utf8'));
    expect(document).toMatchObject({ version: 1, headSha: 'c'.repeat(40), reseed: false });
    expect(document.artifacts.map((a: { name: string }) => a.name)).toEqual(['jar', 'pgdump']);
    expect(JSON.stringify(document)).not.toContain('"dest"');
  });

  it('refuses a build that lacks one of the profile’s artifacts', async () => {
    const partial = { ...target, artifacts: target.artifacts.slice(0, 1) };

    await expect(
      updateInputFor(
        { deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S', sequence: 1, branch, reseed: false, build: partial },
        { artifacts, app: 'shop', bucket: 'acme' },
        links,
      ),
    ).rejects.toThrow('the build has no pgdump artifact');
  });
});
