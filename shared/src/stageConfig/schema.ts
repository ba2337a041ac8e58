/**
 * The schema of `config/<stage>.yml`, the one place a stage's settings are written (ADR 0014). It has
 * no defaults: every field is in every stage file, so what a stage deploys is read in one file and
 * a misspelt or forgotten field fails packaging instead of falling back to a value nobody chose.
 * Each message says what the field needs, so an operator can fix it without reading this file.
 */
import * as z from 'zod';
import { parseCompoundDuration } from '../duration';
import { PriceTable } from '../pricing/priceTable';
import { isKnownTimeZone } from '../timeZone';

const text = (hint: string) => z.string({ error: `must be text: ${hint}` });
const flag = z.boolean({ error: 'must be true or false (no quotes)' });
const int = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const list = <T extends z.ZodType>(item: T, hint: string) =>
  z.array(item, { error: `must be a YAML list, e.g. [${hint}] (or [] for none)` });
const pattern = (regex: RegExp, hint: string) => text(hint).regex(regex, hint);
const optionalId = (regex: RegExp, hint: string) =>
  text(`${hint}, or '' for none`).refine((value) => value === '' || regex.test(value), `${hint}, or ''`);

/** `30m`, `4h`, `2d`, `1h30m`: what `parseCompoundDuration` reads. */
const duration = text('a duration such as 30m, 4h or 2d').refine(
  (value) => parseCompoundDuration(value) !== undefined,
  'must be a duration such as 30m, 4h, 2d or 1h30m',
);

const slackUserId = pattern(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack member id such as U024BE7LH');
const slackGroupId = pattern(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as S0614TZR7');
const subnetId = pattern(/^subnet-[0-9a-f]+$/, 'must be a subnet id such as subnet-0a1b2c3d');
const slashCommand = pattern(/^\/[a-z0-9_-]{1,31}$/, 'must be a slash command such as /deploy');

const Github = z.strictObject({
  apiUrl: z.url({ error: 'must be the API root, https://api.github.com or https://<host>/api/v3' }),
  owner: pattern(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, 'must be the GitHub user or organisation, e.g. acme'),
  repo: pattern(/^[A-Za-z0-9._-]{1,100}$/, 'must be the repository name, e.g. shop'),
  prListing: z.enum(['rest', 'graphql'], { error: 'must be rest or graphql' }),
});

const Slack = z.strictObject({
  deployCommand: slashCommand,
  terminateCommand: slashCommand,
  allowedUsers: list(slackUserId, 'U024BE7LH, U0G9QF9C6'),
  allowedUserGroups: list(slackGroupId, 'S0614TZR7'),
  adminUsers: list(slackUserId, 'U024BE7LH'),
  messageVisibility: z.enum(['ephemeral', 'in_channel'], { error: 'must be ephemeral or in_channel' }),
});

const Database = z.strictObject({
  name: text('the database name'),
  owner: text('the role that owns it'),
  roles: list(text('a role name'), 'reporting').optional(),
  extensions: list(text('an extension name'), 'pgcrypto').optional(),
  dumpArtifact: text('the name of an artifacts.files entry').optional(),
});

const App = z.strictObject({
  name: pattern(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and dashes, e.g. shop'),
  profile: pattern(/^profiles\/[a-z0-9-]+$/, 'must be a cloud-init profile such as profiles/jvm-postgres'),
  port: int(1, 65_535),
  env: z.record(z.string(), z.string(), { error: 'must be a map of variable name to text' }),
  database: Database.nullable(),
  urlTemplate: pattern(/^https?:\/\/\S+$/, 'must be a URL template such as http://{privateIp}/'),
  healthPath: pattern(/^\/\S*$/, 'must be a path such as /health'),
});

const ArtifactFile = z.strictObject({
  name: pattern(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a short lowercase name such as jar'),
  key: text('an S3 key template such as build-artifacts/{app}-{branch}.jar').min(1),
  dest: pattern(/^\//, 'must be an absolute path on the instance').optional(),
});

const Artifacts = z.strictObject({
  existingBucket: optionalId(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  prefix: pattern(/^[A-Za-z0-9._-]+\/$/, 'must be a key prefix ending in /, e.g. build-artifacts/'),
  expireAfterDays: int(1, 3650),
  instanceAccess: z.enum(['auto', 'presigned', 's3'], { error: 'must be auto, presigned or s3' }),
  files: z
    .array(ArtifactFile, { error: 'must be a list of {name, key, dest}' })
    .min(1, 'needs at least one file'),
});

const Deployments = z.strictObject({
  defaultTtl: duration,
  maxTtl: duration,
  maxLifetime: duration,
  warnBefore: duration,
  maxLivePerUser: int(1, 1000),
  maxLiveTotal: int(1, 100_000),
  allowClosedPrs: flag,
  allowBranchWithoutPr: flag,
});

const Nightly = z.strictObject({
  hour: int(0, 23),
  minute: int(0, 59),
  timezone: text('an IANA time zone').refine(
    isKnownTimeZone,
    'must be an IANA time zone such as Europe/Helsinki',
  ),
  maxLateness: duration,
});

const Instances = z.strictObject({
  amiId: optionalId(
    /^ami-[0-9a-f]{8,17}$/,
    "must be an AMI id (ami-…) — '' reads the one the bake stored in SSM",
  ),
  instanceTypes: list(
    pattern(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be an instance type such as t3.medium'),
    't3.medium',
  ).min(1, 'needs at least one instance type'),
  keyName: text("an EC2 key pair name, or '' for none (Session Manager needs none)"),
  createInstanceProfile: flag,
  bootTimeoutSeconds: int(1, 86_400),
  probeIntervalSeconds: int(1, 900),
  keepFailedInstances: flag,
  phoneHome: flag,
  /** Spot or on-demand by default; `--spot` / `--on-demand` override it per deploy (ADR 0027). */
  capacity: z.enum(['on-demand', 'spot', 'spot-then-on-demand'], {
    error: 'must be on-demand, spot or spot-then-on-demand',
  }),
  /** Live environments update in place when a newer build of their branch lands (ADR 0021). */
  followBuilds: flag.default(true),
});

const Network = z.strictObject({
  subnetIds: list(subnetId, 'subnet-0a1b2c3d, subnet-4e5f6a7b'),
  securityGroupId: optionalId(/^sg-[0-9a-f]+$/, 'must be a security group id such as sg-0a1b2c3d'),
  probeSubnetIds: list(subnetId, 'subnet-0a1b2c3d'),
  probeSecurityGroupId: optionalId(/^sg-[0-9a-f]+$/, 'must be a security group id such as sg-0a1b2c3d'),
});

const Resolver = z.strictObject({ maxRequestAgeSeconds: int(60, 86_400), maxReceiveCount: int(1, 1000) });
const Reaper = z.strictObject({
  terminatingGrace: duration,
  reconcileGrace: duration,
  terminateBatchSize: int(1, 1000),
  terminateOnPrClose: flag,
});
const Queue = z.strictObject({ maxWaitMinutes: int(1, 1440) });
const compiles = (source: string): boolean => {
  try {
    new RegExp(source, 'g');
    return true;
  } catch {
    return false;
  }
};
/** Logs in Slack (ADR 0030): what else to redact, how often a user may ask, how long Run Command may take. */
const Logs = z.strictObject({
  redact: list(
    text('a regular expression').refine(compiles, 'must be a valid JavaScript regular expression'),
    "'password=\\S+'",
  ),
  perUserPerMinute: int(1, 60),
  runCommandWaitSeconds: int(5, 40),
});
const Platform = z.strictObject({ archiveRetentionDays: int(0, 3650) });
const Alarms = z.strictObject({
  topicArn: optionalId(
    /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
    'must be an SNS topic ARN',
  ),
});

const Shape = z.strictObject({
  github: Github,
  slack: Slack,
  app: App,
  artifacts: Artifacts,
  deployments: Deployments,
  nightly: Nightly,
  instances: Instances,
  network: Network,
  resolver: Resolver,
  reaper: Reaper,
  queue: Queue,
  logs: Logs,
  platform: Platform,
  alarms: Alarms,
  pricing: PriceTable,
});
type Shape = z.infer<typeof Shape>;

type Check = (config: Shape, issue: (path: (string | number)[], message: string) => void) => void;

/** Rules that span fields; each names the field to change. */
const CROSS_FIELD_CHECKS: Check[] = [
  ({ slack }, issue) => {
    if (slack.allowedUsers.length === 0 && slack.allowedUserGroups.length === 0)
      issue(
        ['slack', 'allowedUsers'],
        'is empty and so is allowedUserGroups: nobody could use /deploy; list who may',
      );
  },
  ({ deployments: d }, issue) => {
    const seconds = (value: string) => parseCompoundDuration(value) ?? 0;
    if (seconds(d.maxTtl) < seconds(d.defaultTtl))
      issue(['deployments', 'maxTtl'], 'must be at least defaultTtl');
    if (seconds(d.maxLifetime) < seconds(d.maxTtl))
      issue(['deployments', 'maxLifetime'], 'must be at least maxTtl');
  },
  ({ artifacts }, issue) => {
    artifacts.files.forEach((file, index) => {
      if (!file.key.startsWith(artifacts.prefix))
        issue(['artifacts', 'files', index, 'key'], `must start with artifacts.prefix (${artifacts.prefix})`);
    });
  },
  ({ app, artifacts }, issue) => {
    const dump = app.database?.dumpArtifact;
    if (dump !== undefined && !artifacts.files.some((file) => file.name === dump && file.dest))
      issue(['app', 'database', 'dumpArtifact'], `names no artifacts.files entry with a dest (got ${dump})`);
  },
  ({ network }, issue) => {
    if ((network.probeSecurityGroupId === '') !== (network.probeSubnetIds.length === 0))
      issue(['network', 'probeSecurityGroupId'], 'and probeSubnetIds go together: set both, or neither');
  },
  ({ instances, pricing }, issue) => {
    for (const type of instances.instanceTypes)
      if (!pricing.instances[type])
        issue(['pricing', 'instances'], `has no price for ${type}; run branch-envs ops prices --write`);
    if (pricing.volumes.gp3 === undefined)
      issue(['pricing', 'volumes'], 'has no gp3 price (the root volume is gp3)');
  },
];

export const StageConfig = Shape.superRefine((config, ctx) => {
  for (const check of CROSS_FIELD_CHECKS)
    check(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
});
export type StageConfig = z.infer<typeof StageConfig>;
