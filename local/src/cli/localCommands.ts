import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import { formatDuration } from '@branch-envs/shared/duration';
import { motoClientConfig } from '../aws/moto';
import type { StackEndpoints } from '../stack/stateFile';
import type { CaughtMessage } from '../standins/slackCatcher';
import type { MrkdwnStyle } from '../standins/slackMrkdwn';
import { displayOptions, renderSlackMessage } from '../standins/slackRender';
import type { RegistryView } from './followConversation';

/** The signing secret the running stack seeded into moto SSM, read the way the ingress reads it. */
export const readSigningSecret = async (endpoints: StackEndpoints): Promise<string> => {
  const ssm = new SSMClient(motoClientConfig(endpoints.motoEndpoint, endpoints.region));
  try {
    const result = await ssm.send(
      new GetParameterCommand({ Name: endpoints.signingSecretParameter, WithDecryption: true }),
    );
    return result.Parameter?.Value ?? '';
  } finally {
    ssm.destroy();
  }
};

const documentClient = (endpoints: StackEndpoints) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(motoClientConfig(endpoints.motoEndpoint, endpoints.region)));

export type DeploymentRow = Record<string, unknown>;

/** Every record of the deployments table (a Scan is fine for a local demo table, never in a service). */
export const listDeployments = async (endpoints: StackEndpoints): Promise<DeploymentRow[]> => {
  const client = documentClient(endpoints);
  try {
    const rows: DeploymentRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: endpoints.deploymentsTable, ExclusiveStartKey: startKey }),
      );
      rows.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return rows.sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')));
  } finally {
    client.destroy();
  }
};

export const deploymentStatus = async (
  endpoints: StackEndpoints,
  deployId: string,
): Promise<RegistryView | undefined> => {
  const client = documentClient(endpoints);
  try {
    const result = await client.send(
      new GetCommand({ TableName: endpoints.deploymentsTable, Key: { deployId } }),
    );
    const item = result.Item;
    if (typeof item?.status !== 'string') return undefined;
    return { status: item.status, ...(typeof item.url === 'string' ? { url: item.url } : {}) };
  } finally {
    client.destroy();
  }
};

/** The `replyTo.responseUrl` a record was born with, for telling which conversation opened it. */
export const recordReplyUrl = async (
  endpoints: StackEndpoints,
  deployId: string,
): Promise<{ responseUrl?: string } | undefined> => {
  const client = documentClient(endpoints);
  try {
    const { Item } = await client.send(
      new GetCommand({ TableName: endpoints.deploymentsTable, Key: { deployId } }),
    );
    if (!Item) return undefined;
    const replyTo = Item.replyTo as { responseUrl?: unknown } | undefined;
    return typeof replyTo?.responseUrl === 'string' ? { responseUrl: replyTo.responseUrl } : {};
  } finally {
    client.destroy();
  }
};

/** Only a deployment that may still own an instance has time left; an ended one has none to show. */
const timeLeft = (row: DeploymentRow, now: number): string => {
  const { expiresAt, status } = row;
  if (typeof expiresAt !== 'number' || !LIVE_STATUSES.some((s) => s === status)) return '';
  const seconds = expiresAt - now / 1000;
  return seconds > 0 ? formatDuration(seconds, { round: 'up' }) : 'expired';
};

/** The owner as Slack sent their name, with their user id when the name differs from it. */
const ownerOf = (row: DeploymentRow): string => {
  const owner = row.owner as { userName?: string; userId?: string } | undefined;
  const id = owner?.userId ?? (typeof row.ownerId === 'string' ? row.ownerId : undefined);
  const name = owner?.userName;
  if (!name) return id ?? '';
  return id && name !== id ? `${name} (${id})` : name;
};

/** The deployments as an aligned text table. */
export const formatDeployments = (all: DeploymentRow[], now = Date.now()): string => {
  // Branch claims (`branch#<name>`) share the table but are not deployments (shared/deployments/branchClaims.ts).
  const rows = all.filter((r) => !String(r.deployId ?? '').startsWith('branch#'));
  if (rows.length === 0) return '(no deployments yet)';
  const header = ['DEPLOY ID', 'STATUS', 'BRANCH', 'OWNER', 'URL', 'TIME LEFT'];
  const body = rows.map((r) => [
    String(r.deployId ?? ''),
    String(r.status ?? ''),
    String(r.branch ?? r.query ?? ''),
    ownerOf(r),
    String(r.url ?? ''),
    timeLeft(r, now),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  return [header, ...body]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

export interface FiredSchedule {
  id: string;
  functionName: string;
  ok: boolean;
  durationMs: number;
  error?: { errorType: string; errorMessage: string };
  /** What the function returned (a scheduled run's summary). */
  value?: unknown;
}

export class ControlError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Fires a schedule of the running stack now, through its control endpoint. */
export const fireSchedule = async (endpoints: StackEndpoints, name: string): Promise<FiredSchedule[]> => {
  const response = await fetch(`${endpoints.controlUrl}/schedules/${encodeURIComponent(name)}/fire`, {
    method: 'POST',
  });
  const body = (await response.json()) as { fired?: FiredSchedule[]; error?: string };
  if (!response.ok || !body.fired)
    throw new ControlError(body.error ?? `control endpoint answered ${response.status}`);
  return body.fired;
};

export const caughtMessages = async (endpoints: StackEndpoints, since = 0): Promise<CaughtMessage[]> => {
  const response = await fetch(`${endpoints.slackCatcherUrl}/_messages?since=${since}`);
  return ((await response.json()) as { messages: CaughtMessage[] }).messages;
};

/** A caught message as the terminal shows it, its mrkdwn rendered as Slack shows it. */
export const formatMessage = (m: CaughtMessage, style: MrkdwnStyle = { ansi: false }): string =>
  [
    `── ${m.kind} ${m.channel ? `#${m.channel}` : m.path}${m.deployId ? ` · ${m.deployId}` : ''}`,
    ...renderSlackMessage(m.payload, displayOptions(style)).map((l) => `   ${l}`),
  ].join('\n');
