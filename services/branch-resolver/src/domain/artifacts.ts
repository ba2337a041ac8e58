import type { ArtifactObject, ArtifactStore } from './ports';

/**
 * The S3 keys of a branch's build: each template with `{app}` and `{branch}` filled in. The branch
 * name goes in verbatim, slashes included (`build-artifacts/shop-feature/ABC-1.jar`), because that is
 * how the build publishes it; S3 keys are flat strings, so a `/` is just a character there.
 * One pass, with a replacer function, so a `$&` or `{app}` inside a branch name stays literal.
 */
export const artifactKeysFor = (templates: readonly string[], app: string, branch: string): string[] =>
  templates.map((template) =>
    template.replace(/\{(app|branch)\}/g, (_, name: string) => (name === 'app' ? app : branch)),
  );

export type ArtifactCheck =
  | { kind: 'complete'; artifacts: ArtifactObject[]; buildLastModified: Date }
  | { kind: 'missing'; missingKeys: string[] };

/** HeadObject on every key at once; the build's age is its oldest artifact's LastModified. */
export const checkArtifacts = async (
  store: ArtifactStore,
  keys: readonly string[],
): Promise<ArtifactCheck> => {
  const heads = await Promise.all(keys.map(async (key) => ({ key, object: await store.head(key) })));
  const missingKeys = heads.filter((h) => h.object === undefined).map((h) => h.key);
  const artifacts = heads.flatMap((h) => (h.object ? [h.object] : []));
  const [first] = artifacts;
  if (missingKeys.length > 0 || !first) return { kind: 'missing', missingKeys };
  const oldest = artifacts.reduce(
    (min, a) => (a.lastModified < min ? a.lastModified : min),
    first.lastModified,
  );
  return { kind: 'complete', artifacts, buildLastModified: oldest };
};
