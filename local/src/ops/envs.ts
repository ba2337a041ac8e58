import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_STATUSES } from '@branch-envs/shared/deployments/states';
import { DEPLOYMENTS_INDEXES, DeploymentRecord } from '@branch-envs/shared/deployments/table';

/** One live environment, as `ops envs` lists it. */
export interface LiveEnvironment {
  deployId: string;
  owner: string;
  branch: string;
  state: string;
  createdAt: string;
  ageSeconds: number;
  expiresAt: string;
  expiresInSeconds: number;
  url?: string;
}

export interface EnvsResult {
  environments: LiveEnvironment[];
  /** Items of a live status that do not parse as a deployment record; counted, not hidden. */
  unreadable: number;
}

const queryStatus = async (documents: DynamoDBDocumentClient, table: string, status: string) => {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: DEPLOYMENTS_INDEXES.byStatusExpiry,
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

export const toLiveEnvironment = (record: DeploymentRecord, now: Date): LiveEnvironment => ({
  deployId: record.deployId,
  owner: record.owner.userName,
  // A REQUESTED record has no branch until the resolver has found one.
  branch: record.branch ?? `(resolving "${record.query}")`,
  state: record.status,
  createdAt: record.createdAt,
  ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(record.createdAt)) / 1000)),
  expiresAt: new Date(record.expiresAt * 1000).toISOString(),
  expiresInSeconds: Math.round(record.expiresAt - now.getTime() / 1000),
  ...(record.url ? { url: record.url } : {}),
});

/** The stage's live deployments, one GSI query per live status (the reaper's index; never a Scan). */
export const liveEnvironments = async (
  documents: DynamoDBDocumentClient,
  table: string,
  now: Date,
): Promise<EnvsResult> => {
  const pages = await Promise.all(LIVE_STATUSES.map((status) => queryStatus(documents, table, status)));
  const parsed = pages.flat().map((item) => DeploymentRecord.safeParse(item));
  const environments = parsed
    .flatMap((p) => (p.success ? [toLiveEnvironment(p.data, now)] : []))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { environments, unreadable: parsed.filter((p) => !p.success).length };
};
