import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createLogsRateLimiter } from '../../src/adapters/logsRateLimiter';
import { motoClients } from '../helpers/motoIngress';

/** The per-user log request counter (ADR 0030) against moto's DynamoDB, in the platform's idempotency table. */
const clients = motoClients();
let tableName = '';

beforeAll(async () => {
  tableName = await createPlatformTable(clients.dynamo, 'IdempotencyTable');
});

describe('the log request rate limiter', () => {
  it('lets three requests of a user through in a minute, refuses the fourth with the seconds left, and counts others apart', async () => {
    // Prepare
    const limiter = createLogsRateLimiter(clients.documents, tableName, 3);
    const at = new Date('2026-12-03T08:40:45.000Z');

    // Act
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) verdicts.push(await limiter.take('U0LIMIT01', at));
    const other = await limiter.take('U0LIMIT02', at);
    const nextMinute = await limiter.take('U0LIMIT01', new Date('2026-12-03T08:41:00.000Z'));

    // Assess
    expect(verdicts).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, limit: 3, retryAfterSeconds: 15 },
    ]);
    expect(other).toEqual({ allowed: true });
    expect(nextMinute).toEqual({ allowed: true });
    const item = await clients.documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { id: `ratelimit#logs#U0LIMIT01#${Date.parse('2026-12-03T08:40:00Z') / 1000}` },
      }),
    );
    expect(item.Item).toMatchObject({ count: 3, expiration: Date.parse('2026-12-03T08:42:00Z') / 1000 });
  });

  it('counts concurrent requests exactly: of ten at once, three pass', async () => {
    // Prepare
    const limiter = createLogsRateLimiter(clients.documents, tableName, 3);
    const at = new Date('2026-12-03T09:00:10.000Z');

    // Act
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => limiter.take('U0LIMIT03', at)));

    // Assess
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
  });
});
