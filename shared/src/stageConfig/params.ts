/**
 * What each stack's `params:` section reads from the stage config, keyed by stack, then by param
 * name (`${file(../../config/stageConfig.cjs):slackIngress.allowedUsers}`). Values are written the way
 * CloudFormation and the functions' environment take them: lists comma-joined, flags as 'true'/'false',
 * JSON documents as text. Settings several stacks share (GitHub repository, admins, artifact bucket)
 * come from one field, so two stacks can no longer disagree on them.
 */
import { dashboardBody } from './dashboard';
import type { StageConfig } from './schema';

type ParamValue = string | number;
export type StackParams = Record<string, ParamValue>;

const csv = (items: readonly string[]): string => items.join(',');
const bool = (value: boolean): string => String(value);

/** The bucket the platform stack creates, unless the config names an existing one. */
export const artifactBucketOf = (config: StageConfig, stage: string): string =>
  config.artifacts.existingBucket || `branch-envs-${stage}-artifacts`;

const platformParams = (config: StageConfig, stage: string): StackParams => ({
  archiveRetentionDays: config.platform.archiveRetentionDays,
  createArtifactBucket: bool(config.artifacts.existingBucket === ''),
  artifactBucket: artifactBucketOf(config, stage),
  artifactPrefix: config.artifacts.prefix,
  artifactExpiryDays: config.artifacts.expireAfterDays,
  dashboardBody: dashboardBody(stage),
});

/** The nightly run, for the stacks whose messages say when an environment really ends. */
const nightlyParams = ({ nightly }: StageConfig): StackParams => ({
  nightlyHour: nightly.hour,
  nightlyMinute: nightly.minute,
  nightlyTimezone: nightly.timezone,
});

const slackIngressParams = (config: StageConfig): StackParams => ({
  ...slackIngressOwnParams(config),
  ...nightlyParams(config),
});

const slackIngressOwnParams = ({ slack, deployments, ...config }: StageConfig): StackParams => ({
  deployCommand: slack.deployCommand,
  terminateCommand: slack.terminateCommand,
  allowedUsers: csv(slack.allowedUsers),
  adminUsers: csv(slack.adminUsers),
  allowedUserGroups: csv(slack.allowedUserGroups),
  defaultTtl: deployments.defaultTtl,
  maxTtl: deployments.maxTtl,
  // The Home tab shows admins the quota use against these (ADR 0023).
  maxLivePerUser: String(deployments.maxLivePerUser),
  maxLiveTotal: String(deployments.maxLiveTotal),
  queueMaxWaitMinutes: config.queue.maxWaitMinutes,
  logsPerUserPerMinute: String(config.logs.perUserPerMinute),
});

const branchResolverParams = (config: StageConfig, stage: string): StackParams => ({
  githubApiUrl: config.github.apiUrl,
  githubOwner: config.github.owner,
  githubRepo: config.github.repo,
  githubPrListing: config.github.prListing,
  appName: config.app.name,
  artifactBucket: artifactBucketOf(config, stage),
  artifactPrefix: config.artifacts.prefix,
  artifactKeys: csv(config.artifacts.files.map((file) => file.key)),
  allowClosedPrs: bool(config.deployments.allowClosedPrs),
  allowBranchWithoutPr: bool(config.deployments.allowBranchWithoutPr),
  maxRequestAgeSeconds: config.resolver.maxRequestAgeSeconds,
  maxReceiveCount: config.resolver.maxReceiveCount,
});

/** The repository whose pull requests' webhooks are accepted. */
const githubIngressParams = (config: StageConfig): StackParams => ({
  githubOwner: config.github.owner,
  githubRepo: config.github.repo,
});

const notifierParams = (config: StageConfig): StackParams => ({
  messageVisibility: config.slack.messageVisibility,
  githubApiUrl: config.github.apiUrl,
  githubOwner: config.github.owner,
  githubRepo: config.github.repo,
  ...nightlyParams(config),
});

const reaperParams = (config: StageConfig): StackParams => {
  const { slack, deployments, nightly, reaper } = config;
  return {
    adminUsers: csv(slack.adminUsers),
    warnBefore: deployments.warnBefore,
    maxLifetime: deployments.maxLifetime,
    ...nightlyParams(config),
    nightlyMaxLateness: nightly.maxLateness,
    terminatingGrace: reaper.terminatingGrace,
    reconcileGrace: reaper.reconcileGrace,
    // A REQUESTED record older than the resolver's limit is never resolved: the sweep ends it (ADR 0018).
    maxRequestAgeSeconds: config.resolver.maxRequestAgeSeconds,
    terminateBatchSize: reaper.terminateBatchSize,
    terminateOnPrClose: bool(reaper.terminateOnPrClose),
    maxLivePerUser: String(deployments.maxLivePerUser),
    maxLiveTotal: String(deployments.maxLiveTotal),
  };
};

/** Only the files with a `dest` are downloaded; the others are checked for by the resolver alone. */
const downloads = (config: StageConfig) =>
  config.artifacts.files.flatMap(({ name, key, dest }) => (dest ? [{ name, key, dest }] : []));

const provisionerParams = (config: StageConfig, stage: string): StackParams => {
  const { app, instances, network } = config;
  return {
    amiId: instances.amiId,
    // The bake writes the AMI id here; the role may read only this name.
    amiSsmParameter: instances.amiId ? '' : `/branch-envs/${stage}/ami-id`,
    instanceTypes: csv(instances.instanceTypes),
    subnetIds: csv(network.subnetIds),
    securityGroupId: network.securityGroupId,
    keyName: instances.keyName,
    createInstanceProfile: bool(instances.createInstanceProfile),
    artifactUrls: config.artifacts.instanceAccess === 'auto' ? '' : config.artifacts.instanceAccess,
    artifactBucket: artifactBucketOf(config, stage),
    artifactPrefix: config.artifacts.prefix,
    appName: app.name,
    appProfile: app.profile,
    appPort: String(app.port),
    appEnvJson: JSON.stringify(app.env),
    appDatabaseJson: JSON.stringify(app.database),
    artifactsJson: JSON.stringify(downloads(config)),
    appUrlTemplate: app.urlTemplate,
    healthPath: app.healthPath,
    maxLivePerUser: String(config.deployments.maxLivePerUser),
    maxLiveTotal: String(config.deployments.maxLiveTotal),
    probeIntervalSeconds: String(instances.probeIntervalSeconds),
    bootTimeoutSeconds: String(instances.bootTimeoutSeconds),
    keepFailedInstances: bool(instances.keepFailedInstances),
    probeSubnetIds: csv(network.probeSubnetIds),
    probeSecurityGroupId: network.probeSecurityGroupId,
    phoneHome: bool(instances.phoneHome),
    capacity: instances.capacity,
    priceTableJson: JSON.stringify(config.pricing),
    followBuilds: bool(instances.followBuilds),
    // branch-envs-update may start the new build and then the old one, each within the boot timeout.
    updateTimeoutSeconds: String(2 * instances.bootTimeoutSeconds + 300),
    logsRedactJson: JSON.stringify(config.logs.redact),
    logsWaitSeconds: String(config.logs.runCommandWaitSeconds),
  };
};

export const STACKS = [
  'platform',
  'slackIngress',
  'githubIngress',
  'branchResolver',
  'provisioner',
  'notifier',
  'reaper',
] as const;
export type StackKey = (typeof STACKS)[number];

/** The params of every stack for one stage. */
export const paramsOf = (config: StageConfig, stage: string): Record<StackKey, StackParams> => ({
  platform: platformParams(config, stage),
  slackIngress: slackIngressParams(config),
  githubIngress: githubIngressParams(config),
  branchResolver: branchResolverParams(config, stage),
  provisioner: provisionerParams(config, stage),
  notifier: notifierParams(config),
  reaper: reaperParams(config),
});
