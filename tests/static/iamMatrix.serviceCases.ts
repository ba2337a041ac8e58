/**
 * The IAM decision matrix's rows about services (ADR 0010): who may assume each role, and what AWS
 * services may do to the stacks' resources under those resources' own policies.
 */
import type { Expected, IamRequest } from '../helpers/iamDecisions';
import { MATRIX_ACCOUNT_ID as A, MATRIX_REGION as R } from '../helpers/packagedRoles';
import { LAMBDA_ROLES, type RoleName } from './iamMatrix.cases';

export type TrustRow = [
  why: string,
  role: RoleName,
  principal: string,
  expected: Expected,
  context?: IamRequest['context'],
];
const own = { 'aws:SourceAccount': A };

/** Who may assume each role: a service, under the conditions of the role's trust policy. */
// biome-ignore format: one row per line keeps the matrix a table
export const TRUST_ROWS: TrustRow[] = [
  ['is assumed by EC2 for the instances', 'instance', 'ec2.amazonaws.com', 'allow'],
  ['cannot be assumed by Lambda', 'instance', 'lambda.amazonaws.com', 'deny'],
  ['cannot be assumed from another account', 'instance', 'arn:aws:iam::210987654321:root', 'deny'],
  ...LAMBDA_ROLES.map((name): TrustRow => ['is assumed by Lambda for its functions', name, 'lambda.amazonaws.com', 'allow']),
  ...LAMBDA_ROLES.map((name): TrustRow => ['cannot be assumed by EC2, so no instance gets it', name, 'ec2.amazonaws.com', 'deny']),
  ['is assumed by EventBridge Scheduler for this account', 'nightlyScheduler', 'scheduler.amazonaws.com', 'allow', own],
  ["cannot be assumed by Scheduler for another account's schedule", 'nightlyScheduler', 'scheduler.amazonaws.com', 'deny', { 'aws:SourceAccount': '210987654321' }],
  ['cannot be assumed by Lambda', 'nightlyScheduler', 'lambda.amazonaws.com', 'deny', own],
  ['is assumed by EventBridge to forward uploads', 'uploadForwarder', 'events.amazonaws.com', 'allow'],
  ['cannot be assumed by Lambda', 'uploadForwarder', 'lambda.amazonaws.com', 'deny'],
  ['is assumed by EventBridge to forward Spot interruption warnings', 'spotForwarder', 'events.amazonaws.com', 'allow'],
  ['cannot be assumed by Lambda', 'spotForwarder', 'lambda.amazonaws.com', 'deny'],
];

export type ServiceRow = [
  why: string,
  principal: string,
  action: string,
  resource: string,
  expected: Expected,
  context?: IamRequest['context'],
];
const queue = (name: string) => `arn:aws:sqs:${R}:${A}:branch-envs-local-${name}`;
const rule = (name: string) => ({
  'aws:SourceArn': `arn:aws:events:${R}:${A}:rule/branch-envs-local-bus/${name}`,
});

/** AWS services acting on the stacks' resources, judged by those resources' own policies. */
// biome-ignore format: one row per line keeps the matrix a table
export const SERVICE_ROWS: ServiceRow[] = [
  ["delivers to the resolver's queue from the resolver's rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('branch-resolver'), 'allow', rule('branch-envs-local-branch-resolver-deploy-requested')],
  ["cannot deliver to the resolver's queue from another rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('branch-resolver'), 'deny', rule('branch-envs-local-notifier')],
  ["delivers to the provisioner's queue from its rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('provisioner'), 'allow', rule('branch-envs-local-provisioner')],
  ["cannot deliver to the provisioner's queue from a rule on another bus", 'events.amazonaws.com', 'sqs:SendMessage', queue('provisioner'), 'deny', { 'aws:SourceArn': `arn:aws:events:${R}:${A}:rule/other-bus/branch-envs-local-provisioner` }],
  ["delivers to the reaper's requests queue from its rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('reaper-requests'), 'allow', rule('branch-envs-reaper-local-RequestsRule')],
  ["delivers to the reaper's interruptions queue from the Spot rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('reaper-interruptions'), 'allow', rule('branch-envs-local-reaper-spot-interruptions')],
  ["cannot deliver to the reaper's interruptions queue from the requests rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('reaper-interruptions'), 'deny', rule('branch-envs-reaper-local-RequestsRule')],
  ["delivers to the notifier's queue from its rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('notifier'), 'allow', rule('branch-envs-local-notifier')],
  ["cannot deliver to the notifier's queue from the provisioner's rule", 'events.amazonaws.com', 'sqs:SendMessage', queue('notifier'), 'deny', rule('branch-envs-local-provisioner')],
  ['cannot send to the probe queue, which has no policy', 'events.amazonaws.com', 'sqs:SendMessage', queue('provisioner-probes'), 'deny', rule('branch-envs-local-provisioner')],
  ['cannot read a queue from another account', 'arn:aws:iam::210987654321:root', 'sqs:ReceiveMessage', queue('provisioner'), 'deny'],
];
