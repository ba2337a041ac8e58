import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type LogsRateLimiter, verdictOf, WINDOW_SECONDS, windowOf } from '../domain/logsRateLimit';

/**
 * One counter item per user and minute in the platform's idempotency table (key `id`, TTL attribute
 * `expiration`, so DynamoDB purges it): an atomic ADD that only succeeds while the count is below the
 * limit. Its keys start with `ratelimit#`, which no Powertools idempotency key does.
 */
export const createLogsRateLimiter = (
  client: DynamoDBDocumentClient,
  tableName: string,
  perMinute: number,
): LogsRateLimiter => ({
  async take(userId, now) {
    const window = windowOf(now);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: `ratelimit#logs#${userId}#${window}` },
          UpdateExpression: 'ADD #count :one SET #expiration = :expiration',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expiration': 'expiration' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': perMinute,
            ':expiration': window + 2 * WINDOW_SECONDS,
          },
        }),
      );
      return verdictOf(true, perMinute, now);
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
        return verdictOf(false, perMinute, now);
      throw error;
    }
  },
});
