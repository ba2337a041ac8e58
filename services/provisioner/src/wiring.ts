import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createQueueStore } from '@branch-envs/shared/deployments/queueStore';
import { createDeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { createPublisher } from '@branch-envs/shared/publish';
import { createArtifactLinks } from './adapters/artifactLinks';
import { cloudWatchDeployMetrics } from './adapters/deployMetrics';
import { createEc2Instances } from './adapters/ec2Instances';
import { createHealthCheck } from './adapters/healthCheck';
import { createHeldSlots } from './adapters/heldSlots';
import { createImageSource } from './adapters/images';
import { createProbeScheduler } from './adapters/probeQueue';
import { profileFromDisk } from './adapters/profileFromDisk';
import { createProvisionerEvents } from './adapters/provisionerEvents';
import type { ProvisionerConfig } from './config';
import type { ProberPorts, ProvisionerPorts } from './domain/ports';
import type { Profile } from './domain/userData/profile';

/** The SDK clients both functions use; built once per cold start by the entry modules. */
export interface Clients {
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  eventBridge: EventBridgeClient;
  ec2: EC2Client;
  /** RunInstances only: no SDK retries, the adapter looks before it re-sends (ADR 0018). */
  ec2Launch: EC2Client;
  ssm: SSMClient;
  s3: S3Client;
  sqs: SQSClient;
}

/**
 * `AWS_ENDPOINT_URL` (set by the local stack) points every client at moto. EC2 gets the standard
 * retry mode with more attempts: exponential backoff with jitter on `RequestLimitExceeded` is how
 * throttling is survived. RunInstances has a client of its own without SDK retries: a blind re-send
 * after a lost answer launched a second instance where the ClientToken is ignored (moto), so the
 * adapter looks for the first launch before it tries again, within the same attempt budget.
 */
export const createClients = (config: Pick<ProvisionerConfig, 'ec2MaxAttempts'>): Clients => {
  const dynamo = new DynamoDBClient({});
  return {
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    eventBridge: new EventBridgeClient({}),
    ec2: new EC2Client({ retryMode: 'standard', maxAttempts: config.ec2MaxAttempts }),
    ec2Launch: new EC2Client({ maxAttempts: 1 }),
    ssm: new SSMClient({}),
    s3: new S3Client({}),
    sqs: new SQSClient({}),
  };
};

const shared = (config: ProvisionerConfig, clients: Clients) => ({
  repository: createDeploymentRepository({ client: clients.documents, tableName: config.deploymentsTable }),
  events: createProvisionerEvents(
    createPublisher({ client: clients.eventBridge, busName: config.eventBusName, producer: 'provisioner' }),
    cloudWatchDeployMetrics(),
  ),
  instances: createEc2Instances({ ec2: clients.ec2, launch: clients.ec2Launch }, config.instance, {
    maxAttempts: config.ec2MaxAttempts,
  }),
  probes: createProbeScheduler(clients.sqs, config.probeQueueUrl),
  now: () => new Date(),
});

/**
 * The cloud-init profile, read from disk once per cold start. The read starts at once, so it
 * overlaps the rest of the init; a failure is not cached, so the next event tries again.
 */
export const profileLoader = (
  config: Pick<ProvisionerConfig, 'cloudInitDir' | 'profileName'>,
): (() => Promise<Profile>) => {
  let loading: Promise<Profile> | undefined;
  const load = (): Promise<Profile> => {
    loading ??= profileFromDisk(config.cloudInitDir, config.profileName).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  load().catch(() => undefined);
  return load;
};

export const provisionerPorts = (config: ProvisionerConfig, clients: Clients): ProvisionerPorts => ({
  ...shared(config, clients),
  images: createImageSource(clients, config.image),
  artifactLinks: createArtifactLinks(clients.s3, config.artifactUrls),
  profile: profileLoader(config),
  heldSlots: createHeldSlots(
    createQueueStore({ client: clients.documents, tableName: config.deploymentsTable }),
  ),
});

export const proberPorts = (config: ProvisionerConfig, clients: Clients): ProberPorts => ({
  ...shared(config, clients),
  health: createHealthCheck({
    timeoutMs: config.healthTimeoutMs,
    expectedStatus: config.settings.readiness.expectedStatus,
  }),
});
