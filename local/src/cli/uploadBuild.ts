import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadStageConfig } from '@branch-envs/shared/stageConfig/load';
import { artifactBucketOf } from '@branch-envs/shared/stageConfig/params';
import type { StageConfig } from '@branch-envs/shared/stageConfig/schema';
import { motoClientConfig } from '../aws/moto';
import { LOCAL_STAGE } from '../config/localEnv';
import type { StackEndpoints } from '../stack/stateFile';
import { CRASH_CONTENT_MARKER, CRASH_MARKER, HEAD_SHA_METADATA } from '../standins/simulatedBuild';

export interface UploadOptions {
  /** The build's head SHA (default: a new random one, as a new commit would have). */
  sha?: string;
  /** Mark the build as one whose app crashes on start (the simulator never gets healthy on it). */
  broken?: boolean;
}

export interface UploadedBuild {
  bucket: string;
  headSha: string;
  keys: string[];
  /** When the last artifact landed: the moment the build became complete. */
  completedAt: Date;
}

export class UploadInputError extends Error {
  override readonly name = 'UploadInputError';
}

const SHA = /^[0-9a-f]{40}$/;

const keyOf = (template: string, app: string, branch: string): string =>
  template.replace(/\{(app|branch)\}/g, (_, name: string) => (name === 'app' ? app : branch));

const bodyOf = (name: string, branch: string, headSha: string, broken: boolean): string =>
  [
    `${name} of ${branch} at ${headSha}, built ${new Date().toISOString()}`,
    ...(broken && name === 'jar' ? [CRASH_CONTENT_MARKER] : []),
    '',
  ].join('\n');

/**
 * Uploads a new build of `branch` as CI would: every artifact of the stage config's `artifacts.files`
 * under its key template, each with the `head-sha` metadata, one after the other, so the last upload
 * completes the build and its S3 "Object Created" event is the one that starts the update (ADR 0021).
 */
export const uploadBuild = async (
  endpoints: Pick<StackEndpoints, 'motoEndpoint' | 'region'> &
    Partial<Pick<StackEndpoints, 'githubUrl' | 'githubReal'>>,
  branch: string,
  options: UploadOptions = {},
  config: StageConfig = loadStageConfig(LOCAL_STAGE),
): Promise<UploadedBuild> => {
  const headSha = options.sha ?? randomBytes(20).toString('hex');
  if (!SHA.test(headSha))
    throw new UploadInputError(`--sha must be 40 lowercase hex characters (got ${headSha})`);
  if (endpoints.githubUrl && endpoints.githubReal === false)
    await pushToStandIn(endpoints.githubUrl, branch, headSha);
  const bucket = artifactBucketOf(config, LOCAL_STAGE);
  const s3 = new S3Client({
    ...motoClientConfig(endpoints.motoEndpoint, endpoints.region),
    forcePathStyle: true,
  });
  const keys: string[] = [];
  try {
    for (const file of config.artifacts.files) {
      const key = keyOf(file.key, config.app.name, branch);
      const broken = options.broken === true && file.name === 'jar';
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bodyOf(file.name, branch, headSha, broken),
          Metadata: {
            [HEAD_SHA_METADATA]: headSha,
            ...(broken ? { [CRASH_MARKER.metadata]: CRASH_MARKER.value } : {}),
          },
        }),
      );
      keys.push(key);
    }
  } finally {
    s3.destroy();
  }
  const completedAt = new Date();
  if (endpoints.githubUrl && endpoints.githubReal === false)
    await pushToStandIn(endpoints.githubUrl, branch, headSha);
  return { bucket, headSha, keys, completedAt };
};

/** The GitHub stand-in learns the build's commit, as a push would tell GitHub, so a deployment may name it. */
const pushToStandIn = async (githubUrl: string, branch: string, sha: string): Promise<void> => {
  const response = await fetch(`${githubUrl}/_push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ branch, sha }),
  });
  if (!response.ok)
    throw new UploadInputError(
      `the GitHub stand-in does not know branch ${branch}: ${await response.text()}`,
    );
};
