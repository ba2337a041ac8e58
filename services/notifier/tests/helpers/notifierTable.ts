import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import { uniqueName } from '../../../../tests/helpers/aws';

interface TableProperties {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
}

/**
 * Creates a uniquely named copy of the notifier's table in moto, shaped by its definition in
 * serverless.yml, so the tests never restate the key (the one definition lives there).
 */
export const createNotifierTable = async (client: DynamoDBClient): Promise<string> => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'), {
    logLevel: 'silent',
  }) as {
    resources: { Resources: Record<string, { Properties: TableProperties } | undefined> };
  };
  const table = doc.resources.Resources.MessagesTable;
  if (!table) throw new Error('services/notifier/serverless.yml has no MessagesTable');
  const TableName = uniqueName('notifier-messages');
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: table.Properties.AttributeDefinitions,
      KeySchema: table.Properties.KeySchema,
    }),
  );
  return TableName;
};
