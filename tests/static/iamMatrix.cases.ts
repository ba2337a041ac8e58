/**
 * The IAM decision matrix (ADR 0010): what each packaged role may and may not do, one row per
 * request. Rows read `[why, role, action, resource, expected, context?]`; `explicit deny` means a
 * Deny statement decides, so no policy attached later can turn the row into an allow. Stage `local`,
 * account 123456789012, region eu-north-1, as `npm run package` builds the templates.
 */

import {
  AMAZON_SSM_MANAGED_INSTANCE_CORE,
  awsSsmKeyPolicy,
  defaultKeyPolicy,
} from '../helpers/awsManagedPolicies';
import type { Expected, IamRequest } from '../helpers/iamDecisions';
import { MATRIX_ACCOUNT_ID as A, MATRIX_REGION as R } from '../helpers/packagedRoles';

/** Matrix names for the packaged roles (`<service>/<logicalId>`). Every packaged role needs one. */
export const ROLES = {
  ingress: 'slack-ingress/IamRoleLambdaExecution',
  githubIngress: 'github-ingress/IamRoleLambdaExecution',
  resolver: 'branch-resolver/IamRoleLambdaExecution',
  provisioner: 'provisioner/IamRoleLambdaExecution',
  reaper: 'reaper/IamRoleLambdaExecution',
  notifier: 'notifier/IamRoleLambdaExecution',
  nightlyScheduler: 'reaper/NightlySchedulerRole',
  instance: 'provisioner/InstanceRole',
  /** Not a role: the managed policy the platform exports for CI's upload user. */
  ciUpload: 'platform/CiArtifactUploadPolicy',
  /** EventBridge's role for forwarding S3 uploads from the default bus to the stage bus (ADR 0021). */
  uploadForwarder: 'platform/ArtifactUploadsForwardRole',
  /** EventBridge's role for forwarding Spot interruption warnings to the stage bus (ADR 0028). */
  spotForwarder: 'platform/SpotInterruptionsForwardRole',
} as const;

/** Packaged roles with a policy attached outside the templates, as an operator might. */
export const ATTACHED_LATER = {
  instanceWithSsmCore: {
    role: 'instance',
    name: 'AmazonSSMManagedInstanceCore',
    document: AMAZON_SSM_MANAGED_INSTANCE_CORE,
  },
} as const;
export type RoleName = keyof typeof ROLES | keyof typeof ATTACHED_LATER;
export const LAMBDA_ROLES: RoleName[] = [
  'ingress',
  'githubIngress',
  'resolver',
  'provisioner',
  'reaper',
  'notifier',
];

export type Row = [
  why: string,
  role: RoleName,
  action: string,
  resource: string,
  expected: Expected,
  context?: IamRequest['context'],
  resourcePolicy?: unknown,
];

const param = (name: string, stage = 'local') =>
  `arn:aws:ssm:${R}:${A}:parameter/branch-envs/${stage}/${name}`;
const otherParam = (path: string) => `arn:aws:ssm:${R}:${A}:parameter/${path}`;
const artifact = (key: string, bucket = 'branch-envs-local-artifacts') => `arn:aws:s3:::${bucket}/${key}`;
const table = (name: string) => `arn:aws:dynamodb:${R}:${A}:table/branch-envs-local-${name}`;
const bus = (name = 'branch-envs-local-bus') => `arn:aws:events:${R}:${A}:event-bus/${name}`;
const ec2 = (resource: string) => `arn:aws:ec2:${R}:${A}:${resource}`;
const INSTANCE = ec2('instance/i-0123456789abcdef0');
const IMAGE = `arn:aws:ec2:${R}::image/ami-0123456789abcdef0`;
const role = (name: string) => `arn:aws:iam::${A}:role/${name}`;
const INSTANCE_ROLE = role('branch-envs-provisioner-local-InstanceRole');
const SECRET = `arn:aws:secretsmanager:${R}:${A}:secret:branch-envs/local/anything-AbCdEf`;
const KEY = `arn:aws:kms:${R}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const fn = (name: string) => `arn:aws:lambda:${R}:${A}:function:${name}`;

const managed = { 'ec2:ResourceTag/ManagedBy': 'branch-envs', 'ec2:ResourceTag/Stage': 'local' };
const ssmManaged = { 'ssm:resourceTag/ManagedBy': 'branch-envs', 'ssm:resourceTag/Stage': 'local' };
const document = (name: string) => `arn:aws:ssm:${R}:${A}:document/${name}`;
const requestTags = { 'aws:RequestTag/ManagedBy': 'branch-envs', 'aws:RequestTag/Stage': 'local' };
const AWS_SSM_KEY = awsSsmKeyPolicy(A, R);
const CMK_DEFAULT = defaultKeyPolicy(A);
/**
 * ADR 0010's recipe for app secrets under a customer managed key: name the role, through SSM only.
 * Which parameters SSM decrypts for it is then what the role's parameter Deny leaves.
 */
const CMK_FOR_APP_SECRETS = {
  Version: '2012-10-17',
  Statement: [
    ...CMK_DEFAULT.Statement,
    {
      Sid: 'AppSecretsThroughSsm',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${A}:role/branch-envs-provisioner-local-InstanceRole` },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `ssm.${R}.amazonaws.com` } },
    },
  ],
};
const viaSsm = { 'kms:ViaService': `ssm.${R}.amazonaws.com`, 'kms:CallerAccount': A };

// biome-ignore format: one row per line keeps the matrix a table
export const INSTANCE_ROWS: Row[] = [
  ['cannot read the Slack signing secret', 'instance', 'ssm:GetParameter', param('slack/signing-secret'), 'explicit deny'],
  ['cannot read the Slack bot token', 'instance', 'ssm:GetParameters', param('slack/bot-token'), 'explicit deny'],
  ['cannot read the GitHub token', 'instance', 'ssm:GetParameter', param('github/token'), 'explicit deny'],
  ['cannot read the webhook URL through its history', 'instance', 'ssm:GetParameterHistory', param('slack/webhook-url'), 'explicit deny'],
  ['cannot list the Slack secrets by path', 'instance', 'ssm:GetParametersByPath', param('slack'), 'explicit deny'],
  ['cannot list the whole stage by path', 'instance', 'ssm:GetParametersByPath', otherParam('branch-envs/local'), 'explicit deny'],
  ['cannot list every stage by path', 'instance', 'ssm:GetParametersByPath', otherParam('branch-envs'), 'explicit deny'],
  ['cannot read the AMI parameter', 'instance', 'ssm:GetParameter', param('ami-id'), 'explicit deny'],
  ['cannot read an app whose name starts like its own', 'instance', 'ssm:GetParameter', param('apps/shop-admin/DB_PASSWORD'), 'explicit deny'],
  ['cannot list another app', 'instance', 'ssm:GetParametersByPath', param('apps/billing'), 'explicit deny'],
  ["cannot read its app's secrets of another stage", 'instance', 'ssm:GetParameter', param('apps/shop/DB_PASSWORD', 'prod'), 'explicit deny'],
  ['cannot read the rest of the account', 'instance', 'ssm:GetParameter', otherParam('prod/db/password'), 'explicit deny'],
  ["lists its app's secrets", 'instance', 'ssm:GetParametersByPath', param('apps/shop'), 'allow'],
  ["lists its branch's overrides", 'instance', 'ssm:GetParametersByPath', param('apps/shop/branches/feature-login'), 'allow'],
  ['reads one app secret', 'instance', 'ssm:GetParameter', param('apps/shop/DB_PASSWORD'), 'allow'],
  ['reads one branch override', 'instance', 'ssm:GetParameters', param('apps/shop/branches/feature-login/DB_PASSWORD'), 'allow'],
  ["cannot write its app's secrets", 'instance', 'ssm:PutParameter', param('apps/shop/DB_PASSWORD'), 'deny'],
  ["cannot delete its app's secrets", 'instance', 'ssm:DeleteParameter', param('apps/shop/DB_PASSWORD'), 'deny'],
  ['decrypts through SSM with the aws/ssm key', 'instance', 'kms:Decrypt', KEY, 'allow', viaSsm, AWS_SSM_KEY],
  ['cannot decrypt through SSM under a customer key that only delegates to IAM', 'instance', 'kms:Decrypt', KEY, 'deny', viaSsm, CMK_DEFAULT],
  ["decrypts through SSM under a customer key whose policy names it (ADR 0010's recipe)", 'instance', 'kms:Decrypt', KEY, 'allow', viaSsm, CMK_FOR_APP_SECRETS],
  ['cannot decrypt directly under that customer key', 'instance', 'kms:Decrypt', KEY, 'explicit deny', { 'kms:CallerAccount': A }, CMK_FOR_APP_SECRETS],
  ['cannot decrypt with the aws/ssm key directly', 'instance', 'kms:Decrypt', KEY, 'explicit deny', { 'kms:CallerAccount': A }, AWS_SSM_KEY],
  ['cannot decrypt through Secrets Manager', 'instance', 'kms:Decrypt', KEY, 'explicit deny', { 'kms:ViaService': `secretsmanager.${R}.amazonaws.com` }],
  ['cannot make data keys directly', 'instance', 'kms:GenerateDataKey', KEY, 'explicit deny'],
  ['cannot read any Secrets Manager secret', 'instance', 'secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${R}:${A}:secret:prod/db-AbCdEf`, 'explicit deny'],
  ['cannot list Secrets Manager secrets', 'instance', 'secretsmanager:ListSecrets', '*', 'explicit deny'],
  ['downloads a build artifact', 'instance', 's3:GetObject', artifact('build-artifacts/shop-feature-login.jar'), 'allow'],
  ['downloads a nested build artifact', 'instance', 's3:GetObject', artifact('build-artifacts/dumps/shop-pgdump.gz'), 'allow'],
  ['cannot read the bucket outside the prefix', 'instance', 's3:GetObject', artifact('config/ci.env'), 'deny'],
  ['cannot read a prefix that only starts like the artifact prefix', 'instance', 's3:GetObject', artifact('build-artifacts-old/shop.jar'), 'deny'],
  ["cannot read another stage's artifacts", 'instance', 's3:GetObject', artifact('build-artifacts/shop.jar', 'branch-envs-prod-artifacts'), 'deny'],
  ['cannot upload artifacts', 'instance', 's3:PutObject', artifact('build-artifacts/shop.jar'), 'deny'],
  ['cannot delete artifacts', 'instance', 's3:DeleteObject', artifact('build-artifacts/shop.jar'), 'deny'],
  ['cannot list the artifact bucket', 'instance', 's3:ListBucket', 'arn:aws:s3:::branch-envs-local-artifacts', 'deny'],
  ['cannot terminate instances', 'instance', 'ec2:TerminateInstances', INSTANCE, 'deny', managed],
  ['cannot launch instances', 'instance', 'ec2:RunInstances', ec2('instance/*'), 'deny', requestTags],
  ['cannot describe instances', 'instance', 'ec2:DescribeInstances', '*', 'deny'],
  ['cannot tag instances', 'instance', 'ec2:CreateTags', INSTANCE, 'deny'],
  ['cannot publish events', 'instance', 'events:PutEvents', bus(), 'deny'],
  ['cannot read the deployments table', 'instance', 'dynamodb:GetItem', table('deployments'), 'deny'],
  ['cannot pass its own role', 'instance', 'iam:PassRole', INSTANCE_ROLE, 'deny', { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  ['opens Session Manager data channels', 'instance', 'ssmmessages:OpenDataChannel', '*', 'allow'],
  ['reports to Systems Manager as a managed instance', 'instance', 'ssm:UpdateInstanceInformation', INSTANCE, 'allow'],
  ['cannot run commands on other instances', 'instance', 'ssm:SendCommand', INSTANCE, 'deny'],
  ['receives Run Command messages for its updates (ADR 0022)', 'instance', 'ec2messages:GetMessages', '*', 'allow'],
  ['replies to Run Command with its result (ADR 0022)', 'instance', 'ec2messages:SendReply', '*', 'allow'],
  ['cannot create SSM associations', 'instance', 'ssm:CreateAssociation', INSTANCE, 'deny'],
  ['still cannot read the signing secret with the SSM managed policy', 'instanceWithSsmCore', 'ssm:GetParameter', param('slack/signing-secret'), 'explicit deny'],
  ['still cannot read the GitHub token with the SSM managed policy', 'instanceWithSsmCore', 'ssm:GetParameters', param('github/token'), 'explicit deny'],
  ['still cannot read the rest of the account with the SSM managed policy', 'instanceWithSsmCore', 'ssm:GetParameter', otherParam('prod/db/password'), 'explicit deny'],
  ['still reads its app secrets with the SSM managed policy', 'instanceWithSsmCore', 'ssm:GetParameter', param('apps/shop/DB_PASSWORD'), 'allow'],
  ['gets Run Command messages with the SSM managed policy', 'instanceWithSsmCore', 'ec2messages:GetMessages', '*', 'allow'],
];

// biome-ignore format: one row per line keeps the matrix a table
export const PROVISIONER_ROWS: Row[] = [
  ['launches an instance tagged ManagedBy and its stage', 'provisioner', 'ec2:RunInstances', ec2('instance/*'), 'allow', requestTags],
  ['cannot launch an untagged instance', 'provisioner', 'ec2:RunInstances', ec2('instance/*'), 'deny'],
  ['cannot launch without the Stage tag', 'provisioner', 'ec2:RunInstances', ec2('instance/*'), 'deny', { 'aws:RequestTag/ManagedBy': 'branch-envs' }],
  ['cannot launch for another stage', 'provisioner', 'ec2:RunInstances', ec2('instance/*'), 'deny', { ...requestTags, 'aws:RequestTag/Stage': 'prod' }],
  ['cannot launch for another owner', 'provisioner', 'ec2:RunInstances', ec2('instance/*'), 'deny', { ...requestTags, 'aws:RequestTag/ManagedBy': 'someone-else' }],
  ['creates a tagged volume', 'provisioner', 'ec2:RunInstances', ec2('volume/*'), 'allow', requestTags],
  ['cannot create an untagged volume', 'provisioner', 'ec2:RunInstances', ec2('volume/*'), 'deny'],
  ['launches from a branch-envs AMI', 'provisioner', 'ec2:RunInstances', IMAGE, 'allow', { 'ec2:ResourceTag/Project': 'branch-envs' }],
  ['cannot launch from any other AMI', 'provisioner', 'ec2:RunInstances', IMAGE, 'deny'],
  ['creates the one-time Spot request of a Spot launch', 'provisioner', 'ec2:RunInstances', ec2('spot-instances-request/*'), 'allow'],
  ['cannot request Spot instances outside RunInstances', 'provisioner', 'ec2:RequestSpotInstances', ec2('spot-instances-request/*'), 'deny'],
  ['cannot create the Spot service-linked role', 'provisioner', 'iam:CreateServiceLinkedRole', role('aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot'), 'deny'],
  ['uses a subnet for the launch', 'provisioner', 'ec2:RunInstances', ec2('subnet/subnet-0aaaaaaaaaaaaaaaa'), 'allow'],
  ['tags during RunInstances', 'provisioner', 'ec2:CreateTags', INSTANCE, 'allow', { 'ec2:CreateAction': 'RunInstances' }],
  ['cannot re-tag an instance later', 'provisioner', 'ec2:CreateTags', INSTANCE, 'deny'],
  ['passes the instance role to EC2', 'provisioner', 'iam:PassRole', INSTANCE_ROLE, 'allow', { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  ['cannot pass the instance role to Lambda', 'provisioner', 'iam:PassRole', INSTANCE_ROLE, 'deny', { 'iam:PassedToService': 'lambda.amazonaws.com' }],
  ['cannot pass the instance role without naming EC2', 'provisioner', 'iam:PassRole', INSTANCE_ROLE, 'deny'],
  ['cannot pass its own role to EC2', 'provisioner', 'iam:PassRole', role('branch-envs-provisioner-local-eu-north-1-lambdaRole'), 'deny', { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  ['cannot pass an admin role to EC2', 'provisioner', 'iam:PassRole', role('Admin'), 'deny', { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  ["terminates its stage's managed instances", 'provisioner', 'ec2:TerminateInstances', INSTANCE, 'allow', managed],
  ["cannot terminate another stage's instances", 'provisioner', 'ec2:TerminateInstances', INSTANCE, 'deny', { ...managed, 'ec2:ResourceTag/Stage': 'prod' }],
  ['cannot terminate an unmanaged instance', 'provisioner', 'ec2:TerminateInstances', INSTANCE, 'deny'],
  ['cannot stop instances', 'provisioner', 'ec2:StopInstances', INSTANCE, 'deny', managed],
  ['reads the AMI parameter', 'provisioner', 'ssm:GetParameter', param('ami-id'), 'allow'],
  ['signs artifact URLs under the prefix', 'provisioner', 's3:GetObject', artifact('build-artifacts/shop-main.jar'), 'allow'],
  ['cannot read outside the artifact prefix', 'provisioner', 's3:GetObject', artifact('config/ci.env'), 'deny'],
  ['publishes to its bus', 'provisioner', 'events:PutEvents', bus(), 'allow'],
  ['runs its update document (ADR 0021)', 'provisioner', 'ssm:SendCommand', document('branch-envs-local-update'), 'allow'],
  ['cannot run any other document', 'provisioner', 'ssm:SendCommand', document('someone-elses-document'), 'deny'],
  ["cannot run another stage's update document", 'provisioner', 'ssm:SendCommand', document('branch-envs-prod-update'), 'deny'],
  ["sends the update to its stage's managed instances", 'provisioner', 'ssm:SendCommand', INSTANCE, 'allow', ssmManaged],
  ['cannot send a command to an unmanaged instance', 'provisioner', 'ssm:SendCommand', INSTANCE, 'deny'],
  ["cannot send a command to another stage's instance", 'provisioner', 'ssm:SendCommand', INSTANCE, 'deny', { ...ssmManaged, 'ssm:resourceTag/Stage': 'prod' }],
  ['reads the result of its commands', 'provisioner', 'ssm:GetCommandInvocation', '*', 'allow'],
  ['runs its logs document (ADR 0030)', 'provisioner', 'ssm:SendCommand', document('branch-envs-local-logs'), 'allow'],
  ["cannot run another stage's logs document", 'provisioner', 'ssm:SendCommand', document('branch-envs-prod-logs'), 'deny'],
  ['cannot run AWS-RunShellScript (arbitrary commands)', 'provisioner', 'ssm:SendCommand', document('AWS-RunShellScript'), 'deny'],
  ["reads the console output of its stage's managed instances", 'provisioner', 'ec2:GetConsoleOutput', INSTANCE, 'allow', managed],
  ['cannot read the console output of an unmanaged instance', 'provisioner', 'ec2:GetConsoleOutput', INSTANCE, 'deny'],
  ["cannot read the console output of another stage's instance", 'provisioner', 'ec2:GetConsoleOutput', INSTANCE, 'deny', { ...managed, 'ec2:ResourceTag/Stage': 'prod' }],
  ['cannot read the Slack secrets', 'provisioner', 'ssm:GetParametersByPath', param('slack'), 'deny'],
  ['cannot send commands from ingress', 'ingress', 'ssm:SendCommand', document('branch-envs-local-logs'), 'deny'],
  ['cannot read console output from the notifier', 'notifier', 'ec2:GetConsoleOutput', INSTANCE, 'deny', managed],
  ['cannot send commands from the reaper', 'reaper', 'ssm:SendCommand', document('branch-envs-local-update'), 'deny'],
  ["cannot publish to another stage's bus", 'provisioner', 'events:PutEvents', bus('branch-envs-prod-bus'), 'deny'],
  ['attaches the probe to its VPC (ProbeVpcAccessPolicy)', 'provisioner', 'ec2:CreateNetworkInterface', ec2('subnet/subnet-0aaaaaaaaaaaaaaaa'), 'allow'],
  ['cannot touch network interfaces of another account', 'provisioner', 'ec2:DeleteNetworkInterface', `arn:aws:ec2:${R}:210987654321:network-interface/eni-0123456789abcdef0`, 'deny'],
];

// biome-ignore format: one row per line keeps the matrix a table
export const REAPER_ROWS: Row[] = [
  ["terminates its stage's managed instances", 'reaper', 'ec2:TerminateInstances', INSTANCE, 'allow', managed],
  ['cannot terminate without ManagedBy', 'reaper', 'ec2:TerminateInstances', INSTANCE, 'deny', { 'ec2:ResourceTag/Stage': 'local' }],
  ['cannot terminate for another owner', 'reaper', 'ec2:TerminateInstances', INSTANCE, 'deny', { ...managed, 'ec2:ResourceTag/ManagedBy': 'someone-else' }],
  ["cannot terminate another stage's instances", 'reaper', 'ec2:TerminateInstances', INSTANCE, 'deny', { ...managed, 'ec2:ResourceTag/Stage': 'prod' }],
  ['cannot terminate an untagged instance', 'reaper', 'ec2:TerminateInstances', INSTANCE, 'deny'],
  ['cannot stop a managed instance', 'reaper', 'ec2:StopInstances', INSTANCE, 'deny', managed],
  ['cannot stop an unmanaged instance', 'reaper', 'ec2:StopInstances', INSTANCE, 'deny'],
  ['describes instances', 'reaper', 'ec2:DescribeInstances', '*', 'allow'],
  ['publishes to its bus', 'reaper', 'events:PutEvents', bus(), 'allow'],
  ['invokes the nightly sweep (scheduler)', 'nightlyScheduler', 'lambda:InvokeFunction', fn('branch-envs-reaper-local-nightly'), 'allow'],
  ['cannot invoke another function (scheduler)', 'nightlyScheduler', 'lambda:InvokeFunction', fn('branch-envs-provisioner-local-provision'), 'deny'],
];

// biome-ignore format: one row per line keeps the matrix a table
export const INGRESS_ROWS: Row[] = [
  ['publishes to its own bus', 'ingress', 'events:PutEvents', bus(), 'allow'],
  ['cannot publish to the default bus', 'ingress', 'events:PutEvents', bus('default'), 'deny'],
  ["cannot publish to another stage's bus", 'ingress', 'events:PutEvents', bus('branch-envs-prod-bus'), 'deny'],
  ['reads the signing secret', 'ingress', 'ssm:GetParameter', param('slack/signing-secret'), 'allow'],
  ['reads the bot token', 'ingress', 'ssm:GetParameter', param('slack/bot-token'), 'allow'],
  ["cannot read another stage's signing secret", 'ingress', 'ssm:GetParameter', param('slack/signing-secret', 'prod'), 'deny'],
  ['opens a request record', 'ingress', 'dynamodb:PutItem', table('deployments'), 'allow', { 'dynamodb:LeadingKeys': ['01JABCDEFGHJKMNPQRSTVWXYZ0'] }],
  ['cannot write a branch claim', 'ingress', 'dynamodb:PutItem', table('deployments'), 'deny', { 'dynamodb:LeadingKeys': ['branch#feature-login'] }],
  ['counts log requests per user (ADR 0030)', 'ingress', 'dynamodb:UpdateItem', table('idempotency'), 'allow', { 'dynamodb:LeadingKeys': ['ratelimit#logs#U0LOCAL1#1764751200'] }],
];

// biome-ignore format: one row per line keeps the matrix a table
export const GITHUB_INGRESS_ROWS: Row[] = [
  ['publishes PullRequestClosed to its own bus', 'githubIngress', 'events:PutEvents', bus(), 'allow'],
  ["cannot publish to another stage's bus", 'githubIngress', 'events:PutEvents', bus('branch-envs-prod-bus'), 'deny'],
  ['reads the webhook secret', 'githubIngress', 'ssm:GetParameter', param('github/webhook-secret'), 'allow'],
  ["cannot read another stage's webhook secret", 'githubIngress', 'ssm:GetParameter', param('github/webhook-secret', 'prod'), 'deny'],
  ['records a delivery id', 'githubIngress', 'dynamodb:PutItem', table('idempotency'), 'allow'],
  ['cannot read the deployments table', 'githubIngress', 'dynamodb:GetItem', table('deployments'), 'deny'],
  ['cannot write the deployments table', 'githubIngress', 'dynamodb:PutItem', table('deployments'), 'deny'],
  ['cannot terminate instances', 'githubIngress', 'ec2:TerminateInstances', INSTANCE, 'deny', managed],
];

// biome-ignore format: one row per line keeps the matrix a table
export const RESOLVER_AND_NOTIFIER_ROWS: Row[] = [
  ['reads the GitHub token', 'resolver', 'ssm:GetParameter', param('github/token'), 'allow'],
  ['claims a branch', 'resolver', 'dynamodb:PutItem', table('deployments'), 'allow', { 'dynamodb:LeadingKeys': ['branch#feature-login'] }],
  ['cannot write a deployment record', 'resolver', 'dynamodb:PutItem', table('deployments'), 'deny', { 'dynamodb:LeadingKeys': ['01JABCDEFGHJKMNPQRSTVWXYZ0'] }],
  ['checks artifacts under the prefix', 'resolver', 's3:GetObject', artifact('build-artifacts/shop-main.jar'), 'allow'],
  ['cannot read outside the artifact prefix', 'resolver', 's3:GetObject', artifact('config/ci.env'), 'deny'],
  ['reads the bot token', 'notifier', 'ssm:GetParameter', param('slack/bot-token'), 'allow'],
  ['reads the webhook URL', 'notifier', 'ssm:GetParameter', param('slack/webhook-url'), 'allow'],
  ['reads the GitHub token', 'notifier', 'ssm:GetParameter', param('github/token'), 'allow'],
  ['publishes nothing', 'notifier', 'events:PutEvents', bus(), 'deny'],
];

/** Which secrets each Lambda reads; every other service's secret is denied to it (rows below). */
export const SECRETS_OF: Record<RoleName, string[]> = {
  ingress: ['slack/signing-secret', 'slack/bot-token'],
  githubIngress: ['github/webhook-secret'],
  resolver: ['github/token'],
  notifier: ['slack/bot-token', 'slack/webhook-url', 'github/token'],
  provisioner: [],
  reaper: [],
  nightlyScheduler: [],
  instance: [],
  instanceWithSsmCore: [],
  ciUpload: [],
  uploadForwarder: [],
  spotForwarder: [],
};
const SYSTEM_SECRETS = [
  'slack/signing-secret',
  'slack/bot-token',
  'slack/webhook-url',
  'github/token',
  'github/webhook-secret',
];

const everyLambda = (
  why: string,
  action: string,
  resource: string,
  expected: Expected,
  context?: IamRequest['context'],
): Row[] => LAMBDA_ROLES.map((name): Row => [why, name, action, resource, expected, context]);

const everyRole = (why: string, action: string, resource: string): Row[] =>
  (Object.keys(ROLES) as RoleName[]).map((name): Row => [why, name, action, resource, 'deny']);

export const EVERY_ROLE_ROWS: Row[] = [
  ...everyRole('cannot delete the deployments table', 'dynamodb:DeleteTable', table('deployments')),
  ...everyRole('cannot delete the idempotency table', 'dynamodb:DeleteTable', table('idempotency')),
  ...everyRole(
    'cannot delete the event archive',
    'events:DeleteArchive',
    `arn:aws:events:${R}:${A}:archive/branch-envs-local-archive`,
  ),
  ...everyRole('cannot delete the bus', 'events:DeleteEventBus', bus()),
  ...everyRole('cannot delete a deployment record', 'dynamodb:DeleteItem', table('deployments')),
  ...everyRole('cannot read Secrets Manager secrets', 'secretsmanager:GetSecretValue', SECRET),
  ...everyLambda('cannot decrypt with a KMS key directly', 'kms:Decrypt', KEY, 'deny'),
  ...everyLambda("cannot list the app's secrets", 'ssm:GetParametersByPath', param('apps/shop'), 'deny'),
  ...everyLambda("cannot read an app's secret", 'ssm:GetParameter', param('apps/shop/DB_PASSWORD'), 'deny'),
  ...LAMBDA_ROLES.flatMap((name) =>
    SYSTEM_SECRETS.filter((secret) => !SECRETS_OF[name].includes(secret)).map(
      (secret): Row => [
        `cannot read another service's secret ${secret}`,
        name,
        'ssm:GetParameter',
        param(secret),
        'deny',
      ],
    ),
  ),
];

/** Only the provisioner launches, so only it may hand the instance role to EC2. */
export const PASS_ROLE_ROWS: Row[] = LAMBDA_ROLES.filter((name) => name !== 'provisioner').map(
  (name): Row => [
    'cannot pass the instance role',
    name,
    'iam:PassRole',
    INSTANCE_ROLE,
    'deny',
    { 'iam:PassedToService': 'ec2.amazonaws.com' },
  ],
);

/** CI's upload user may put builds under the artifact prefix and do nothing else. */
export const CI_UPLOAD_ROWS: Row[] = [
  [
    'uploads a build under the prefix',
    'ciUpload',
    's3:PutObject',
    artifact('build-artifacts/shop-main.jar'),
    'allow',
  ],
  ['cannot upload outside the prefix', 'ciUpload', 's3:PutObject', artifact('config/ci.env'), 'deny'],
  [
    'cannot upload to another bucket',
    'ciUpload',
    's3:PutObject',
    artifact('build-artifacts/x.jar', 'other-bucket'),
    'deny',
  ],
  ['cannot read artifacts', 'ciUpload', 's3:GetObject', artifact('build-artifacts/shop-main.jar'), 'deny'],
  [
    'cannot delete artifacts',
    'ciUpload',
    's3:DeleteObject',
    artifact('build-artifacts/shop-main.jar'),
    'deny',
  ],
  ['cannot list the bucket', 'ciUpload', 's3:ListBucket', 'arn:aws:s3:::branch-envs-local-artifacts', 'deny'],
  ['cannot read a system secret', 'ciUpload', 'ssm:GetParameter', param('github/token'), 'deny'],
];

/** The forwarding rule's role puts events on the stage bus and nowhere else. */
// biome-ignore format: one row per line keeps the matrix a table
const FORWARDER_ROWS: Row[] = [
  ['forwards uploads to the stage bus', 'uploadForwarder', 'events:PutEvents', bus(), 'allow'],
  ['cannot put events on another bus', 'uploadForwarder', 'events:PutEvents', bus('branch-envs-prod-bus'), 'deny'],
  ['cannot send commands to instances', 'uploadForwarder', 'ssm:SendCommand', INSTANCE, 'deny', ssmManaged],
  ['forwards Spot interruption warnings to the stage bus', 'spotForwarder', 'events:PutEvents', bus(), 'allow'],
  ['cannot put Spot warnings on another bus', 'spotForwarder', 'events:PutEvents', bus('branch-envs-prod-bus'), 'deny'],
  ['cannot put Spot warnings back on the default bus', 'spotForwarder', 'events:PutEvents', bus('default'), 'deny'],
  ['cannot terminate the instance a warning names', 'spotForwarder', 'ec2:TerminateInstances', INSTANCE, 'deny', managed],
];

export const MATRIX: Row[] = [
  ...CI_UPLOAD_ROWS,
  ...FORWARDER_ROWS,
  ...INSTANCE_ROWS,
  ...PROVISIONER_ROWS,
  ...REAPER_ROWS,
  ...INGRESS_ROWS,
  ...GITHUB_INGRESS_ROWS,
  ...RESOLVER_AND_NOTIFIER_ROWS,
  ...EVERY_ROLE_ROWS,
  ...PASS_ROLE_ROWS,
];
