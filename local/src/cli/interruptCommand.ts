import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import { InvalidArgumentError } from 'commander';
import { motoClientConfig } from '../aws/moto';
import { LOCAL_ACCOUNT_ID } from '../config/localEnv';
import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import type { RememberedButton } from './buttons';
import { type ConversationOptions, createPrinter, rememberButtons } from './conversation';
import { caughtMessages, type DeploymentRow, listDeployments } from './localCommands';
import { lastSeq } from './slashFlow';

/** The three actions EC2 names in an interruption warning (Amazon EC2 User Guide). */
export const INSTANCE_ACTIONS = ['terminate', 'stop', 'hibernate'] as const;
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];

export interface InterruptOptions extends ConversationOptions {
  action: string;
}

export interface SentInterruption {
  deployId: string;
  instanceId: string;
  action: InstanceAction;
  eventId: string;
}

export interface InterruptResult {
  sent: SentInterruption;
  /** The deployment's messages that followed the warning, up to the one saying it ended. */
  messages: CaughtMessage[];
  /** The buttons those messages printed ([Redeploy]), remembered for `branch-envs press <n>`. */
  buttons: RememberedButton[];
  timedOut: boolean;
}

/** The notifier's words for a Spot interruption (services/notifier/src/domain/messages/deployment.ts). */
const ENDED = /reclaimed the Spot capacity/;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

const isLive = (row: DeploymentRow): boolean => LIVE_STATUSES.some((s) => s === row.status);

/** The deployment a deploy id names, or the newest live one of a branch; it must have an instance. */
export const pickInterrupted = (rows: readonly DeploymentRow[], target: string): DeploymentRow => {
  const byId = ULID.test(target);
  const row = byId
    ? rows.find((r) => r.deployId === target.toUpperCase())
    : rows.find((r) => r.branch === target && isLive(r) && typeof r.instanceId === 'string');
  if (!row) {
    throw new InvalidArgumentError(
      byId ? `no deployment ${target}` : `no live deployment of ${target} with an instance`,
    );
  }
  if (typeof row.instanceId !== 'string')
    throw new InvalidArgumentError(`deployment ${String(row.deployId)} has no instance to interrupt`);
  return row;
};

const actionOf = (value: string): InstanceAction => {
  const action = INSTANCE_ACTIONS.find((a) => a === value);
  if (!action) throw new InvalidArgumentError(`--action is one of ${INSTANCE_ACTIONS.join(', ')}`);
  return action;
};

/**
 * The event EC2 puts on the account's default bus two minutes before it reclaims a Spot instance,
 * in the documented shape (source, detail-type, the instance's ARN in resources, its id and the
 * action in detail). The platform's rule forwards it to the stage bus, as in AWS.
 */
export const interruptionEntry = (instanceId: string, action: InstanceAction, region: string) => ({
  Source: 'aws.ec2',
  DetailType: 'EC2 Spot Instance Interruption Warning',
  Resources: [`arn:aws:ec2:${region}:${LOCAL_ACCOUNT_ID}:instance/${instanceId}`],
  Detail: JSON.stringify({ 'instance-id': instanceId, 'instance-action': action }),
  EventBusName: 'default',
});

const putWarning = async (
  endpoints: StackEndpoints,
  row: DeploymentRow,
  action: InstanceAction,
): Promise<SentInterruption> => {
  const instanceId = String(row.instanceId);
  const client = new EventBridgeClient(motoClientConfig(endpoints.motoEndpoint, endpoints.region));
  try {
    const result = await client.send(
      new PutEventsCommand({ Entries: [interruptionEntry(instanceId, action, endpoints.region)] }),
    );
    const [entry] = result.Entries ?? [];
    if ((result.FailedEntryCount ?? 0) > 0 || !entry?.EventId)
      throw new Error(`PutEvents refused the warning: ${entry?.ErrorCode ?? 'no event id'}`);
    return { deployId: String(row.deployId), instanceId, action, eventId: entry.EventId };
  } finally {
    client.destroy();
  }
};

/** Prints the deployment's messages as they come, until one says AWS reclaimed it, or the timeout. */
const followEnd = async (
  endpoints: StackEndpoints,
  deployId: string,
  since: number,
  opts: InterruptOptions,
) => {
  const printer = createPrinter(opts);
  const messages: CaughtMessage[] = [];
  const deadline = Date.now() + opts.timeoutMs;
  let seq = since;
  while (Date.now() < deadline) {
    for (const m of await caughtMessages(endpoints, seq)) {
      seq = Math.max(seq, m.seq);
      if (m.deployId !== deployId) continue;
      messages.push(m);
      printer.message(m);
    }
    if (messages.some((m) => ENDED.test(m.lines.join('\n')))) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const timedOut = !messages.some((m) => ENDED.test(m.lines.join('\n')));
  if (timedOut) opts.print(`⏱ no message about the interruption within ${opts.timeoutMs / 1000} s`);
  return { messages, buttons: rememberButtons(endpoints, opts, printer), timedOut };
};

/**
 * `branch-envs local interrupt <id|branch>`: AWS's Spot interruption warning for the deployment's
 * instance, on moto's default bus; then, unless told not to, the deployment's message that follows.
 */
export const runInterrupt = async (
  endpoints: StackEndpoints,
  target: string,
  opts: InterruptOptions,
): Promise<InterruptResult> => {
  const action = actionOf(opts.action);
  const row = pickInterrupted(await listDeployments(endpoints), target);
  const since = await lastSeq(endpoints);
  const sent = await putWarning(endpoints, row, action);
  opts.print(
    `EC2 Spot Instance Interruption Warning (${action}) for ${sent.instanceId} (deploy ${sent.deployId}) ` +
      `put on the default bus as event ${sent.eventId}`,
  );
  if (!opts.follow) return { sent, messages: [], buttons: [], timedOut: false };
  return { sent, ...(await followEnd(endpoints, sent.deployId, since, opts)) };
};
