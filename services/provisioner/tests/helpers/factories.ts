import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { EventMetadata } from '@branch-envs/shared/envelope';
import { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { newId } from '@branch-envs/shared/ids';
import { fixtureDetail } from '../../../../shared/tests/helpers/factories';
import type { AppSettings, ReadinessSettings } from '../../src/domain/ports';
import type { ProvisionSettings } from '../../src/domain/settings';

export const APP = 'shop';
export const BUCKET = 'acme-build-artifacts';

type Resolved = BranchResolved['data'];

/** The keys the branch-resolver would have found for `branch` (docs/architecture.md §5's templates). */
export const artifactsFor = (branch: string, app = APP): Resolved['artifacts'] => [
  { key: `build-artifacts/${app}-${branch}.jar`, lastModified: '2026-11-26T08:30:00.000Z', sizeBytes: 1000 },
  {
    key: `build-artifacts/${app}-${branch}-config.edn`,
    lastModified: '2026-11-26T08:30:00.000Z',
    sizeBytes: 10,
  },
  {
    key: `build-artifacts/${app}-${branch}-pgdump.gz`,
    lastModified: '2026-11-26T08:31:00.000Z',
    sizeBytes: 100,
  },
];

/**
 * A BranchResolved detail for a fresh deployment: new deployId and eventId, the fixture's owner and
 * reply address, and artifacts whose keys match `branch`.
 */
export const resolvedDetail = (
  overrides: { data?: Partial<Resolved>; metadata?: Partial<EventMetadata> } = {},
): BranchResolved => {
  const fixture = fixtureDetail(BranchResolved);
  const deployId = overrides.data?.deployId ?? newId();
  const branch = overrides.data?.branch ?? fixture.data.branch;
  return {
    metadata: { ...fixture.metadata, eventId: newId(), correlationId: deployId, ...overrides.metadata },
    data: {
      ...fixture.data,
      // A user of its own, so deployments of different tests never share a quota.
      ...ownedBy(uniqueUserId()),
      deployId,
      branch,
      artifactBucket: BUCKET,
      artifacts: artifactsFor(branch),
      ...overrides.data,
    },
  };
};

export const uniqueUserId = (): string => `U${newId().slice(-12)}`;

/** The fixture's owner with another Slack user id, for quota tests. */
export const ownedBy = (userId: string): Pick<Resolved, 'owner' | 'replyTo'> => {
  const { owner, replyTo } = fixtureDetail(BranchResolved).data;
  return { owner: { ...owner, userId }, replyTo: { ...replyTo, userId } };
};

/** A READY deployment of `branch` owned by a fresh user, on `instanceId`, created now, an hour to live. */
export const readyRecord = (
  branch: string,
  instanceId: string,
  overrides: Partial<DeploymentRecord> = {},
): DeploymentRecord => {
  const userId = uniqueUserId();
  const { owner, replyTo } = ownedBy(userId);
  return {
    kind: 'deployment',
    deployId: newId(),
    status: 'READY',
    query: branch,
    branch,
    owner,
    ownerId: userId,
    channelId: replyTo.channelId,
    replyTo,
    responseUrlUses: 0,
    instanceId,
    createdAt: new Date().toISOString(),
    ttlSeconds: 3600,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    keepOvernight: false,
    history: [],
    version: 0,
    ...overrides,
  };
};

export const appSettings = (overrides: Partial<AppSettings> = {}): AppSettings => ({
  stage: 'test',
  app: APP,
  port: 8080,
  env: { APP_JAR: '/opt/branch-envs/app/app.jar', JAVA_OPTS: '-Xmx1g' },
  healthPath: '/health',
  db: { name: 'shop', owner: 'shop', dumpArtifact: 'pgdump' },
  artifacts: [
    { name: 'jar', key: 'build-artifacts/{app}-{branch}.jar', dest: '/opt/branch-envs/app/app.jar' },
    {
      name: 'pgdump',
      key: 'build-artifacts/{app}-{branch}-pgdump.gz',
      dest: '/opt/branch-envs/db/pgdump.gz',
    },
  ],
  artifactBucket: BUCKET,
  ...overrides,
});

export const readinessSettings = (overrides: Partial<ReadinessSettings> = {}): ReadinessSettings => ({
  appUrlTemplate: 'http://{privateIp}/',
  healthPath: '/health',
  expectedStatus: 200,
  probeIntervalSeconds: 5,
  bootTimeoutSeconds: 600,
  keepFailedInstances: false,
  region: 'eu-north-1',
  ...overrides,
});

export const provisionSettings = (
  overrides: { [K in keyof ProvisionSettings]?: Partial<ProvisionSettings[K]> } = {},
): ProvisionSettings => ({
  quota: { maxLivePerUser: 3, maxLiveTotal: 1000, ...overrides.quota },
  launch: {
    instanceTypes: ['t3.medium', 't3a.medium'],
    subnetIds: [],
    capacity: 'on-demand',
    ...overrides.launch,
  },
  pricing: { table: null, rootVolumeGb: 30, ...overrides.pricing },
  app: appSettings(overrides.app),
  readiness: readinessSettings(overrides.readiness),
});

/** A complete, valid environment for loadProvisionerConfig. */
export const configEnv = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  STAGE: 'test',
  AWS_REGION: 'eu-north-1',
  EVENT_BUS_NAME: 'branch-envs-test-bus',
  DEPLOYMENTS_TABLE: 'branch-envs-test-deployments',
  IDEMPOTENCY_TABLE: 'branch-envs-test-idempotency',
  PROBE_QUEUE_URL: 'https://sqs.eu-north-1.amazonaws.com/123456789012/branch-envs-test-provisioner-probes',
  AMI_SSM_PARAMETER: '/branch-envs/test/ami-id',
  INSTANCE_TYPES: 't3.medium,t3a.medium',
  APP_NAME: APP,
  ARTIFACTS_JSON: JSON.stringify(appSettings().artifacts),
  ...overrides,
});
