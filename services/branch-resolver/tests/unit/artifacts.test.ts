import { artifactKeysFor, checkArtifacts } from '../../src/domain/artifacts';
import type { ArtifactObject, ArtifactStore } from '../../src/domain/ports';
import { ARTIFACT_KEYS } from '../helpers/factories';

const storeWith = (objects: ArtifactObject[]): ArtifactStore => ({
  bucket: 'b',
  head: async (key) => objects.find((o) => o.key === key),
});

describe('artifactKeysFor', () => {
  it('keeps the slashes of a branch name verbatim in the key', () => {
    // Act
    const keys = artifactKeysFor(ARTIFACT_KEYS, 'shop', 'feature/ABC-123-login-page');

    // Assess
    expect(keys).toEqual([
      'build-artifacts/shop-feature/ABC-123-login-page.jar',
      'build-artifacts/shop-feature/ABC-123-login-page-config.edn',
      'build-artifacts/shop-feature/ABC-123-login-page-pgdump.gz',
    ]);
  });

  it('keeps replacement patterns and placeholders inside a branch name literal', () => {
    // Act
    const keys = artifactKeysFor(['{app}/{branch}/{branch}.jar'], 'shop', 'x-$&-{app}-$1');

    // Assess
    expect(keys).toEqual(['shop/x-$&-{app}-$1/x-$&-{app}-$1.jar']);
  });
});

describe('checkArtifacts', () => {
  it('names every missing key', async () => {
    // Prepare
    const store = storeWith([{ key: 'a', lastModified: new Date('2026-11-20T00:00:00Z'), sizeBytes: 1 }]);

    // Act
    const check = await checkArtifacts(store, ['a', 'b', 'c']);

    // Assess
    expect(check).toEqual({ kind: 'missing', missingKeys: ['b', 'c'] });
  });

  it('dates the build by its oldest artifact', async () => {
    // Prepare
    const objects = [
      { key: 'jar', lastModified: new Date('2026-11-20T10:00:00Z'), sizeBytes: 10 },
      { key: 'dump', lastModified: new Date('2026-11-20T09:00:00Z'), sizeBytes: 20 },
    ];

    // Act
    const check = await checkArtifacts(storeWith(objects), ['jar', 'dump']);

    // Assess
    expect(check).toEqual({
      kind: 'complete',
      artifacts: objects,
      buildLastModified: new Date('2026-11-20T09:00:00Z'),
    });
  });
});
