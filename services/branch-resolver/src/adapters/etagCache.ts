import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

export interface CachedResponse {
  etag: string;
  /** The projected (compact) body, as the gateway stored it. */
  body: unknown;
}

/** Validators and bodies of GitHub GETs, so that a repeat is a conditional request (a free 304). */
export interface EtagCache {
  get(key: string): Promise<CachedResponse | undefined>;
  put(key: string, entry: CachedResponse): Promise<void>;
}

export interface DynamoEtagCacheOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long an unused entry lives before DynamoDB's TTL purges it. */
  ttlSeconds: number;
  now?: () => number;
}

/** DynamoDB's item limit is 400 KB; a body near it is not worth caching. */
const MAX_BODY_CHARS = 350_000;

/**
 * The `branch-envs-${stage}-resolver-cache` table: key `url`, the body as a JSON string (so DynamoDB
 * never reinterprets empty strings or numbers), and `expiresAt` for TTL. Shared by every warm Lambda,
 * so one cold container benefits from what another fetched.
 */
export const createDynamoEtagCache = ({
  client,
  tableName,
  ttlSeconds,
  now = Date.now,
}: DynamoEtagCacheOptions): EtagCache => ({
  async get(key) {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: { url: key } }));
    const item = out.Item;
    if (typeof item?.etag !== 'string' || typeof item.body !== 'string') return undefined;
    return { etag: item.etag, body: JSON.parse(item.body) as unknown };
  },
  async put(key, { etag, body }) {
    const text = JSON.stringify(body);
    if (text.length > MAX_BODY_CHARS) return;
    const at = now();
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          url: key,
          etag,
          body: text,
          storedAt: new Date(at).toISOString(),
          expiresAt: Math.floor(at / 1000) + ttlSeconds,
        },
      }),
    );
  },
});
