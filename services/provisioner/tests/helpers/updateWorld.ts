import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { CreateDocumentCommand, ListCommandsCommand } from '@aws-sdk/client-ssm';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import { newId } from '@branch-envs/shared/ids';
import { createPublisher } from '@branch-envs/shared/publish';
import { uniqueName } from '../../../../tests/helpers/aws';
import { createArtifactLinks } from '../../src/adapters/artifactLinks';
import { createBuildSource, HEAD_SHA_METADATA } from '../../src/adapters/buildSource';
import { createHealthCheck } from '../../src/adapters/healthCheck';
import { createRunCommand } from '../../src/adapters/runCommand';
import { createUpdateChecks } from '../../src/adapters/updateChecks';
import { createUpdateEvents } from '../../src/adapters/updateEvents';
import { createUpdateStore } from '../../src/adapters/updateStore';
import type { Log } from '../../src/domain/ports';
import type { UpdateDeps, UpdateSettings } from '../../src/domain/update/ports';
import type { Clients } from '../../src/wiring';
import { APP, appSettings, readyRecord } from './factories';
import type { MotoPlatform } from './motoStack';
import { MOTO_AMI } from './motoStack';

/** The update document's parameter as the stack declares it (services/provisioner/serverless.yml). */
export const updateDocumentContent = JSON.stringify({
  schemaVersion: '2.2',
  description: 'test copy of the branch-envs update document',
  parameters: {
    UpdateInput: {
      type: 'String',
      description: 'base64url JSON',
      allowedPattern: '^[A-Za-z0-9_-]{1,12000}$',
      interpolationType: 'ENV_VAR',
    },
  },
  mainSteps: [
    {
      action: 'aws:runShellScript',
      name: 'update',
      inputs: { runCommand: ['exec /usr/local/libexec/branch-envs/branch-envs-update.sh'] },
    },
  ],
});

const quiet = (): void => undefined;
const quietLog: Log = { info: quiet, warn: quiet, error: quiet, debug: quiet };

/** A moto world for updates: bucket, document, updates queue, and the real adapters over them. */
export const updateWorld = async (clients: Clients, platform: MotoPlatform, appUrl: string) => {
  const bucket = uniqueName('artifacts').toLowerCase();
  const documentName = uniqueName('update');
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: 'eu-north-1' },
    }),
  );
  await clients.ssm.send(
    new CreateDocumentCommand({
      Name: documentName,
      Content: updateDocumentContent,
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
    }),
  );
  const queueUrl =
    (await clients.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('updates') }))).QueueUrl ?? '';
  const { artifacts } = appSettings();
  const settings: UpdateSettings = {
    stage: 'test',
    documentName,
    followByDefault: true,
    bootTimeoutSeconds: 60,
    checkIntervalSeconds: 1,
    appUrlTemplate: appUrl,
    healthPath: '/health',
    artifacts,
    app: APP,
    artifactBucket: bucket,
  };
  const repository = createDeploymentRepository({
    client: clients.documents,
    tableName: platform.deploymentsTable,
  });
  const deps: UpdateDeps = {
    ports: {
      store: createUpdateStore(clients.documents, platform.deploymentsTable, repository),
      commands: createRunCommand(clients.ssm),
      builds: createBuildSource(clients.s3, { bucket, app: APP, artifacts }),
      links: createArtifactLinks(clients.s3, { mode: 'presigned', expirySeconds: 600 }),
      checks: createUpdateChecks(clients.sqs, queueUrl),
      health: createHealthCheck({ timeoutMs: 1000, expectedStatus: 200 }),
      events: createUpdateEvents(
        createPublisher({ client: clients.eventBridge, busName: platform.busName, producer: 'provisioner' }),
      ),
      newId: () => newId(),
      now: () => new Date(),
    },
    settings,
    log: quietLog,
  };

  /** Uploads every artifact of `branch` with `headSha` as CI does; returns nothing, S3 dates them. */
  const upload = async (branch: string, headSha: string, only?: string): Promise<void> => {
    for (const spec of artifacts) {
      if (only && spec.name !== only) continue;
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: spec.key.replace('{app}', APP).replace('{branch}', branch),
          Body: `${spec.name} of ${headSha}`,
          Metadata: { [HEAD_SHA_METADATA]: headSha },
        }),
      );
    }
  };

  /** A READY environment of `branch` on a real moto instance, running `build`. */
  const readyEnvironment = async (
    branch: string,
    build: Build | undefined,
    urlOf: (instanceId: string) => string,
    overrides: Partial<DeploymentRecord> = {},
  ): Promise<DeploymentRecord> => {
    const run = await clients.ec2.send(
      new RunInstancesCommand({ ImageId: MOTO_AMI, MinCount: 1, MaxCount: 1, InstanceType: 't3.medium' }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    const record = readyRecord(branch, instanceId, {
      url: urlOf(instanceId),
      ...(build ? { build } : {}),
      ...overrides,
    });
    await repository.create(record);
    return record;
  };

  /** The Run Command commands sent to an instance (moto records them; it runs none). */
  const commandsOn = async (instanceId: string) =>
    (await clients.ssm.send(new ListCommandsCommand({ InstanceId: instanceId }))).Commands ?? [];

  return { bucket, documentName, queueUrl, settings, deps, repository, upload, readyEnvironment, commandsOn };
};
