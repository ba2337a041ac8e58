import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '@branch-envs/shared/conditions';
import { EnvironmentCost } from '@branch-envs/shared/pricing/cost';
import * as z from 'zod';
import type { Acquired, MessageStore, StateCommit, StoredMessage } from '../domain/ports';
import { RESPONSE_URL_MAX_USES, type Thread } from '../domain/routing';
import { type Facts, STATE_RANK } from '../domain/states';

/**
 * The notifier's table, `branch-envs-${stage}-notifier-messages` (ADR 0004). One item per deployment,
 * keyed by deployId, and one small counter per response_url, keyed `response-url#<sha256>` (Slack's
 * five-use limit belongs to the URL, and a deployment meets several: the command's and each button's).
 */

/** Longer than the function timeout, so a live invocation never loses its lease. */
const LEASE_MS = 60_000;
/** Expiry warnings and nightly terminations arrive days later; keep the item well past that. */
const ITEM_TTL_SECONDS = 30 * 24 * 3600;
const COUNTER_GRACE_SECONDS = 24 * 3600;

const states = Object.keys(STATE_RANK) as [keyof typeof STATE_RANK, ...(keyof typeof STATE_RANK)[]];

/** Items are parsed, not cast: an item written by an older version never crashes a newer one. */
const StoredItem = z.object({
  rank: z.number().optional(),
  state: z.enum(states).optional(),
  channel: z.string().optional(),
  ts: z.string().optional(),
  githubDeploymentId: z.number().optional(),
  warnedFor: z.number().optional(),
  branch: z.string().optional(),
  prNumber: z.number().optional(),
  prUrl: z.string().optional(),
  instanceId: z.string().optional(),
  instanceType: z.string().optional(),
  url: z.string().optional(),
  expiresAt: z.number().optional(),
  keepOvernight: z.boolean().optional(),
  cost: EnvironmentCost.optional(),
});

const toStored = (item: Record<string, unknown> | undefined): StoredMessage => {
  const { channel, ts, ...rest } = StoredItem.parse(item ?? {});
  return { ...rest, thread: channel && ts ? { channel, ts } : undefined };
};

/** `SET #a = :a, ...` for every defined value, with names aliased (many are reserved words). */
const assignments = (values: Record<string, unknown>) => {
  const entries = Object.entries(values).filter(([, value]) => value !== undefined);
  return {
    clauses: entries.map(([key]) => `#${key} = :${key}`),
    names: Object.fromEntries(entries.map(([key]) => [`#${key}`, key])),
    values: Object.fromEntries(entries.map(([key, value]) => [`:${key}`, value])),
  };
};

const threadValues = (thread: Thread | undefined) => ({ channel: thread?.channel, ts: thread?.ts });

interface UpdateOptions {
  remove?: string[];
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export class DynamoMessageStore implements MessageStore {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async get(deployId: string): Promise<StoredMessage | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { deployId }, ConsistentRead: true }),
    );
    return out.Item ? toStored(out.Item) : undefined;
  }

  public async acquire(deployId: string, rank: number, eventId: string, now: Date): Promise<Acquired> {
    const condition =
      '(attribute_not_exists(#rank) OR #rank < :newRank) AND ' +
      '(attribute_not_exists(#leaseBy) OR #leaseUntil < :nowMs OR #leaseBy = :leaseBy)';
    const taken = await unlessConditionFails(
      this.update(
        deployId,
        { leaseBy: eventId, leaseUntil: now.getTime() + LEASE_MS },
        { condition, names: { '#rank': 'rank' }, values: { ':newRank': rank, ':nowMs': now.getTime() } },
      ),
      undefined,
    );
    if (taken) return { kind: 'acquired', record: toStored(taken.Attributes) };
    const record = (await this.get(deployId)) ?? {};
    return record.rank !== undefined && record.rank >= rank ? { kind: 'stale', record } : { kind: 'busy' };
  }

  public async commit(deployId: string, eventId: string, update: StateCommit): Promise<boolean> {
    const { rank, state, facts, thread, githubDeploymentId } = update;
    const written = await unlessConditionFails(
      this.update(
        deployId,
        { rank, state, ...facts, ...threadValues(thread), githubDeploymentId },
        {
          remove: ['leaseBy', 'leaseUntil'],
          condition:
            '(#leaseBy = :eventId OR attribute_not_exists(#leaseBy)) AND ' +
            '(attribute_not_exists(#rank) OR #rank < :rank)',
          names: { '#leaseBy': 'leaseBy', '#leaseUntil': 'leaseUntil', '#rank': 'rank' },
          values: { ':eventId': eventId },
        },
      ),
      undefined,
    );
    return written !== undefined;
  }

  public async release(deployId: string, eventId: string): Promise<void> {
    // Someone else's lease, or none: nothing of ours to release.
    await unlessConditionFails(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { deployId },
          UpdateExpression: 'REMOVE #leaseBy, #leaseUntil',
          ConditionExpression: '#leaseBy = :eventId',
          ExpressionAttributeNames: { '#leaseBy': 'leaseBy', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':eventId': eventId },
        }),
      ),
      undefined,
    );
  }

  public async rememberThread(deployId: string, thread: Thread): Promise<void> {
    await this.update(deployId, threadValues(thread));
  }

  public async recordNotice(deployId: string, { facts, warnedFor }: { facts: Facts; warnedFor?: number }) {
    await this.update(deployId, { ...facts, warnedFor });
  }

  public async rememberGithubDeployment(deployId: string, githubDeploymentId: number): Promise<void> {
    const condition = 'attribute_not_exists(#githubDeploymentId)';
    await unlessConditionFails(this.update(deployId, { githubDeploymentId }, { condition }), undefined);
  }

  public async claimResponseUrlUse(url: string, expiresAt: Date): Promise<boolean> {
    const key = `response-url#${createHash('sha256').update(url).digest('hex')}`;
    const claim = this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { deployId: key },
        UpdateExpression: 'ADD #uses :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#uses) OR #uses < :max',
        ExpressionAttributeNames: { '#uses': 'uses', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': RESPONSE_URL_MAX_USES,
          ':ttl': Math.floor(expiresAt.getTime() / 1000) + COUNTER_GRACE_SECONDS,
        },
      }),
    );
    return unlessConditionFails(
      claim.then(() => true),
      false,
    );
  }

  /** One UpdateItem that also refreshes `updatedAt` and the item's TTL. */
  private update(deployId: string, set: Record<string, unknown>, options: UpdateOptions = {}) {
    const ttl = Math.floor(Date.now() / 1000) + ITEM_TTL_SECONDS;
    const s = assignments({ ...set, updatedAt: new Date().toISOString(), ttl });
    const remove = options.remove?.length ? ` REMOVE ${options.remove.map((k) => `#${k}`).join(', ')}` : '';
    return this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { deployId },
        UpdateExpression: `SET ${s.clauses.join(', ')}${remove}`,
        ConditionExpression: options.condition,
        ExpressionAttributeNames: { ...s.names, ...options.names },
        ExpressionAttributeValues: { ...s.values, ...options.values },
        ReturnValues: 'ALL_NEW',
      }),
    );
  }
}
