import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsClients } from '../../local/src/aws/clients';
import type { CaughtMessage } from '../../local/src/standins/slackCatcher';
import type { SentDeploy } from './scenarios';

const LIVE = new Set(['REQUESTED', 'RESOLVED', 'LAUNCHING', 'RUNNING', 'READY', 'FAILED']);
/** Messages that are not yet an answer: resolving, found, launching, extended, a refused follow-up. */
const PROGRESS = ['⏳', '🔎', '🚀', '⏰', '🚫'];

const textOf = (m: CaughtMessage): string =>
  typeof m.payload.text === 'string' ? m.payload.text : m.lines.join(' ');
export const isFinal = (m: CaughtMessage): boolean => !PROGRESS.some((p) => textOf(m).startsWith(p));

/** A message the user sees as a new one (not an edit of an earlier one). */
const isNewPost = (m: CaughtMessage): boolean =>
  m.kind === 'chat.postMessage' ||
  m.kind === 'webhook' ||
  (m.kind === 'response_url' && m.payload.replace_original !== true);

export interface Record_ {
  deployId: string;
  status: string;
  instanceId?: string;
}

export const scanRecords = async (clients: AwsClients, table: string): Promise<Record_[]> => {
  const out: Record_[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await clients.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const r = unmarshall(item);
      if (r.kind === 'deployment')
        out.push({ deployId: r.deployId, status: r.status, instanceId: r.instanceId });
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out;
};

export const listInstances = async (clients: AwsClients): Promise<Instance[]> => {
  const found: Instance[] = [];
  let token: string | undefined;
  do {
    const page = await clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:ManagedBy', Values: ['branch-envs'] }],
        NextToken: token,
      }),
    );
    for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
    token = page.NextToken;
  } while (token);
  return found;
};

const tag = (i: Instance, key: string) => i.Tags?.find((t) => t.Key === key)?.Value;
const alive = (i: Instance) => ['pending', 'running'].includes(i.State?.Name ?? '');

export interface QueueDepth {
  name: string;
  visible: number;
  inFlight: number;
}

export const queueDepths = async (clients: AwsClients): Promise<QueueDepth[]> => {
  const urls =
    (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'branch-envs-' }))).QueueUrls ?? [];
  return Promise.all(
    urls.map(async (url) => {
      const a = (
        await clients.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes;
      return {
        name: url.split('/').pop() ?? url,
        visible: Number(a?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    }),
  );
};

/** What each DLQ message is: its event type, deployment and how often it was received. */
export const dlqMessages = async (
  clients: AwsClients,
): Promise<{ queue: string; detailType: string; deployId: string }[]> => {
  const urls =
    (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'branch-envs-' }))).QueueUrls ?? [];
  const out: { queue: string; detailType: string; deployId: string }[] = [];
  for (const url of urls.filter((u) => u.endsWith('-dlq'))) {
    const got = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    for (const m of got.Messages ?? []) {
      const body = JSON.parse(m.Body ?? '{}');
      const deployId = body.detail?.metadata?.correlationId ?? body.detail?.data?.deployId ?? '?';
      out.push({
        queue: url.split('/').pop() ?? url,
        detailType: body['detail-type'] ?? '(not an event)',
        deployId,
      });
    }
  }
  return out;
};

export interface ChaosFigures {
  requested: number;
  answered: number;
  lost: number;
  duplicateInstances: number;
  orphanInstances: number;
  orphanRecords: number;
  duplicateSlackPosts: number;
  dlqDepth: number;
  /** Acknowledgements slower than Slack's 3 s (Slack would have shown the user a timeout). */
  lateAcks: number;
}

const duplicatePosts = (messages: CaughtMessage[]): number => {
  const seen = new Map<string, number>();
  for (const m of messages.filter((x) => x.deployId && isNewPost(x))) {
    const key = `${m.deployId}\n${textOf(m)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
};

export const answeredIds = (sent: SentDeploy[], messages: CaughtMessage[]): Set<number> => {
  const finals = new Set(messages.filter(isFinal).map((m) => m.deployId));
  return new Set(
    sent
      .filter((s) => (s.deployId ? finals.has(s.deployId) : s.status === 200 && s.ackText.trim() !== ''))
      .map((s) => s.index),
  );
};

export const measure = (
  sent: SentDeploy[],
  messages: CaughtMessage[],
  records: Record_[],
  instances: Instance[],
  dlqDepth: number,
): ChaosFigures & { unanswered: SentDeploy[]; orphanInstanceIds: string[]; orphanRecordIds: string[] } => {
  const answered = answeredIds(sent, messages);
  const byDeploy = new Map<string, Instance[]>();
  for (const i of instances) {
    const id = tag(i, 'DeployId') ?? '?';
    byDeploy.set(id, [...(byDeploy.get(id) ?? []), i]);
  }
  const recordOf = new Map(records.map((r) => [r.deployId, r]));
  const orphanInstanceIds = instances
    .filter((i) => alive(i) && !LIVE.has(recordOf.get(tag(i, 'DeployId') ?? '')?.status ?? ''))
    .map((i) => i.InstanceId ?? '?');
  const aliveIds = new Set(instances.filter(alive).map((i) => tag(i, 'DeployId')));
  const orphanRecordIds = records
    .filter((r) => LIVE.has(r.status) && r.status !== 'FAILED' && !aliveIds.has(r.deployId))
    .map((r) => `${r.deployId} ${r.status}`);
  return {
    requested: sent.length,
    answered: answered.size,
    lost: sent.length - answered.size,
    duplicateInstances: [...byDeploy.values()].reduce((sum, list) => sum + Math.max(0, list.length - 1), 0),
    orphanInstances: orphanInstanceIds.length,
    orphanRecords: orphanRecordIds.length,
    duplicateSlackPosts: duplicatePosts(messages),
    dlqDepth,
    lateAcks: sent.filter((s) => s.ackMs > 3000).length,
    unanswered: sent.filter((s) => !answered.has(s.index)),
    orphanInstanceIds,
    orphanRecordIds,
  };
};
