import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableFromTemplate } from '../../../../tests/helpers/tables';

/**
 * Creates a uniquely named copy of the notifier's table in moto, shaped by its definition in
 * serverless.yml, so the tests never restate the key (the one definition lives there).
 */
export const createNotifierTable = (client: DynamoDBClient): Promise<string> =>
  createTableFromTemplate(client, {
    service: 'notifier',
    logicalId: 'MessagesTable',
    namePrefix: 'notifier-messages',
  });
