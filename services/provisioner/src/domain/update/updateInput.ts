import type { Build } from '@branch-envs/shared/events/build';
import type { ArtifactLinks, ArtifactSpec } from '../ports';

/**
 * The SSM document's one parameter. Its pattern is base64url, so the value can hold nothing a
 * shell or SSM's `{{ }}` would read; the script decodes it and reads it with jq as data (ADR 0021).
 */
export const UPDATE_INPUT_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * SSM Run Command limits what a command may carry; pre-signed URLs are the bulk of the input, and
 * three of them with a session token fit well below this. Over it, the update is not sent.
 */
export const MAX_UPDATE_INPUT_BYTES = 12_000;

export interface UpdateInputDocument {
  version: 1;
  deployId: string;
  sequence: number;
  headSha: string;
  reseed: boolean;
  artifacts: { name: string; url: string; sizeBytes: number; eTag?: string }[];
}

export class UpdateInputError extends Error {
  override readonly name = 'UpdateInputError';
}

const keyFor = (spec: ArtifactSpec, app: string, branch: string): string =>
  spec.key.replace(/\{(app|branch)\}/g, (_, name: string) => (name === 'app' ? app : branch));

/**
 * The input of one update: every artifact the profile expects, by name, with a link to the exact
 * object the build describes, and the size and ETag the instance verifies it against. The
 * destinations are not in it: the instance keeps the ones its boot wrote.
 */
export const updateInputFor = async (
  target: { deployId: string; sequence: number; branch: string; reseed: boolean; build: Build },
  config: { artifacts: readonly ArtifactSpec[]; app: string; bucket: string },
  links: ArtifactLinks,
): Promise<string> => {
  const byKey = new Map(target.build.artifacts.map((a) => [a.key, a]));
  const artifacts = await Promise.all(
    config.artifacts.map(async (spec) => {
      const key = keyFor(spec, config.app, target.branch);
      const object = byKey.get(key);
      if (!object) throw new UpdateInputError(`the build has no ${spec.name} artifact (${key})`);
      const url = await links.linkFor(config.bucket, key);
      return {
        name: spec.name,
        url,
        sizeBytes: object.sizeBytes,
        ...(object.eTag ? { eTag: object.eTag } : {}),
      };
    }),
  );
  const document: UpdateInputDocument = {
    version: 1,
    deployId: target.deployId,
    sequence: target.sequence,
    headSha: target.build.headSha,
    reseed: target.reseed,
    artifacts,
  };
  const encoded = Buffer.from(JSON.stringify(document), 'utf8').toString('base64url');
  if (encoded.length > MAX_UPDATE_INPUT_BYTES)
    throw new UpdateInputError(`the update input is ${encoded.length} bytes, over ${MAX_UPDATE_INPUT_BYTES}`);
  return encoded;
};

/** The branch's artifact keys, in the profile's order: what a build of it must consist of. */
export const artifactKeysOf = (artifacts: readonly ArtifactSpec[], app: string, branch: string): string[] =>
  artifacts.map((spec) => keyFor(spec, app, branch));

/**
 * The branches an uploaded key may belong to, by the key templates. `{branch}` may hold slashes and
 * dashes, so one key can fit two templates (`shop-a-config.edn` is branch `a` by one, and could be
 * `a-config` by another); every fit is returned, and only branches with live environments matter.
 */
export const branchesOfKey = (artifacts: readonly ArtifactSpec[], app: string, key: string): string[] => {
  const fits = artifacts.flatMap((spec) => {
    const [before, after, extra] = spec.key.replace(/\{app\}/g, app).split('{branch}');
    if (before === undefined || after === undefined || extra !== undefined) return [];
    const fitsKey =
      key.length > before.length + after.length && key.startsWith(before) && key.endsWith(after);
    return fitsKey ? [key.slice(before.length, key.length - after.length)] : [];
  });
  return [...new Set(fits)];
};
