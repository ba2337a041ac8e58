import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The idempotency store backed by the platform's `branch-envs-${stage}-idempotency` table. */
export const idempotencyStore = (tableName: string, client: DynamoDBClient): DynamoDBPersistenceLayer =>
  new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
