import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { type AwsClients, awsErrorName } from '../aws/clients';
import { ARTIFACT_BUCKET, type GithubTarget, LOCAL_APP_SECRET, LOCAL_SECRETS } from '../config/localEnv';
import type { DemoRepository } from '../standins/githubDemo';

export interface SeedSummary {
  parameters: string[];
  bucket: string;
  objects: number;
  missing: string[];
}

const putSecret = (clients: AwsClients, name: string, value: string) =>
  clients.ssm.send(
    new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
  );

/** The artifact keys of one branch, following docs/architecture.md §5's templates (the branch name verbatim). */
export const artifactKeys = (app: string, branch: string) => ({
  jar: `build-artifacts/${app}-${branch}.jar`,
  config: `build-artifacts/${app}-${branch}-config.edn`,
  pgdump: `build-artifacts/${app}-${branch}-pgdump.gz`,
});

const seedArtifacts = async (clients: AwsClients, demo: DemoRepository, region: string) => {
  try {
    await clients.s3.send(
      new CreateBucketCommand({
        Bucket: ARTIFACT_BUCKET,
        CreateBucketConfiguration: { LocationConstraint: region as 'eu-north-1' },
      }),
    );
  } catch (error) {
    if (awsErrorName(error) !== 'BucketAlreadyOwnedByYou') throw error;
  }
  const { app, missingPgdump } = demo.artifacts;
  const writes: Promise<unknown>[] = [];
  const missing: string[] = [];
  for (const { name, sha } of demo.branches) {
    const keys = artifactKeys(app, name);
    const objects: [string, string][] = [
      [keys.jar, `demo jar for ${name}\n`],
      [keys.config, `{:branch "${name}" :db "shop"}\n`],
    ];
    if (missingPgdump.includes(name)) missing.push(keys.pgdump);
    else objects.push([keys.pgdump, `-- demo pg_dump of ${name}\n`]);
    // CI writes the build's commit on every artifact (ADR 0021): the demo builds are of the branch heads.
    for (const [Key, Body] of objects)
      writes.push(
        clients.s3.send(
          new PutObjectCommand({ Bucket: ARTIFACT_BUCKET, Key, Body, Metadata: { 'head-sha': sha } }),
        ),
      );
  }
  await Promise.all(writes);
  return { objects: writes.length, missing };
};

/**
 * Seeds what the services expect to find: the Slack and GitHub secrets (and the webhook secret) as SecureString parameters
 * (the real GitHub token when the user configured one), the demo app's secret that instances read
 * at boot, and the demo build artifacts in S3, every
 * demo branch complete except those listed under `artifacts.missingPgdump` in the demo file.
 */
export const seedLocalData = async (
  clients: AwsClients,
  demo: DemoRepository,
  github: GithubTarget,
  region: string,
): Promise<SeedSummary> => {
  const secrets: [string, string][] = [
    [LOCAL_SECRETS.signingSecret.name, LOCAL_SECRETS.signingSecret.value],
    [LOCAL_SECRETS.botToken.name, LOCAL_SECRETS.botToken.value],
    [LOCAL_SECRETS.githubToken.name, github.token ?? LOCAL_SECRETS.githubToken.value],
    [LOCAL_SECRETS.githubWebhookSecret.name, LOCAL_SECRETS.githubWebhookSecret.value],
    [LOCAL_APP_SECRET.name, LOCAL_APP_SECRET.value],
  ];
  await Promise.all(secrets.map(([name, value]) => putSecret(clients, name, value)));
  const { objects, missing } = await seedArtifacts(clients, demo, region);
  return { parameters: secrets.map(([name]) => name), bucket: ARTIFACT_BUCKET, objects, missing };
};
