import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { ProvisionerConfigError } from '../../errors';
import type { AppSettings, ArtifactLinks, ArtifactSpec } from '../ports';
import type { ArtifactInput, UserDataInput } from './userDataInput';

type Resolved = BranchResolved['data'];

/** The S3 key an artifact spec expects for this app and branch (functions: `$&` in a branch stays as is). */
export const expectedKey = (spec: ArtifactSpec, app: string, branch: string): string =>
  spec.key.replaceAll('{app}', () => app).replaceAll('{branch}', () => branch);

/**
 * Pairs each artifact the profile expects with the key the branch-resolver found. The resolver
 * and the provisioner each hold the key templates in their own config; a mismatch is a
 * deployment bug, reported as `config_error` with both sides named so it can be fixed.
 */
export const matchArtifacts = (
  data: Pick<Resolved, 'branch' | 'artifacts' | 'artifactBucket'>,
  settings: Pick<AppSettings, 'app' | 'artifacts' | 'artifactBucket'>,
): { spec: ArtifactSpec; key: string }[] => {
  if (settings.artifactBucket !== undefined && data.artifactBucket !== settings.artifactBucket) {
    throw new ProvisionerConfigError(
      `BranchResolved names the bucket ${data.artifactBucket}, but the provisioner may only read ` +
        `${settings.artifactBucket} (ARTIFACT_BUCKET); make both services use the same bucket`,
    );
  }
  const found = new Set(data.artifacts.map((artifact) => artifact.key));
  return settings.artifacts.map((spec) => {
    const key = expectedKey(spec, settings.app, data.branch);
    if (!found.has(key)) {
      throw new ProvisionerConfigError(
        `no artifact ${spec.name} at ${key} among those the resolver checked ` +
          `(${[...found].join(', ')}); make ARTIFACTS_JSON match the branch-resolver's key templates`,
      );
    }
    return { spec, key };
  });
};

/**
 * Everything the renderer needs for one deployment. Values from users (branch, query, user
 * name) pass through untouched: the renderer validates them and places them only as data.
 */
export const userDataInputFor = async (
  data: Resolved,
  settings: AppSettings,
  links: ArtifactLinks,
  phoneHomeToken?: string,
): Promise<UserDataInput> => {
  const matched = matchArtifacts(data, settings);
  const artifacts: ArtifactInput[] = await Promise.all(
    matched.map(async ({ spec, key }) => ({
      name: spec.name,
      url: await links.linkFor(data.artifactBucket, key),
      dest: spec.dest,
    })),
  );
  return {
    deployId: data.deployId,
    stage: settings.stage,
    branch: data.branch,
    app: settings.app,
    query: data.query,
    ownerName: data.owner.userName,
    artifacts,
    env: { ...settings.env },
    healthPath: settings.healthPath,
    appPort: settings.port,
    ...(settings.db ? { db: settings.db } : {}),
    ...(settings.phoneHomeUrl && phoneHomeToken
      ? { phoneHome: { url: phoneHomeUrlFor(settings.phoneHomeUrl, data.deployId), token: phoneHomeToken } }
      : {}),
  };
};

/** Where one deployment's instance reports: the route's base URL and the deployId as its last segment. */
export const phoneHomeUrlFor = (base: string, deployId: string): string =>
  `${base.replace(/\/+$/, '')}/${encodeURIComponent(deployId)}`;
