import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import { uniqueName } from './aws';

interface TableProperties {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  TimeToLiveSpecification?: { AttributeName: string };
}

/**
 * Table shapes come from the owning stack's serverless.yml, so tests never restate the keys or
 * GSIs (the one definition lives there). Tags like `!GetAtt` are irrelevant here and ignored.
 */
const tableInTemplate = (service: string, logicalId: string): TableProperties => {
  const path = join(__dirname, '..', '..', 'services', service, 'serverless.yml');
  const doc = parse(readFileSync(path, 'utf8'), { logLevel: 'silent' }) as {
    resources: { Resources: Record<string, { Properties: TableProperties } | undefined> };
  };
  const table = doc.resources.Resources[logicalId];
  if (!table) throw new Error(`services/${service}/serverless.yml has no ${logicalId}`);
  return table.Properties;
};

/** Creates a uniquely named copy of a stack's table (key, GSIs, TTL) in moto and returns its name. */
export const createTableFromTemplate = async (
  client: DynamoDBClient,
  table: { service: string; logicalId: string; namePrefix: string },
): Promise<string> => {
  const props = tableInTemplate(table.service, table.logicalId);
  const TableName = uniqueName(table.namePrefix);
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: props.AttributeDefinitions,
      KeySchema: props.KeySchema,
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
    }),
  );
  if (props.TimeToLiveSpecification) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: {
          AttributeName: props.TimeToLiveSpecification.AttributeName,
          Enabled: true,
        },
      }),
    );
  }
  return TableName;
};

/** Creates a uniquely named copy of a platform table in moto and returns its name. */
export const createPlatformTable = (
  client: DynamoDBClient,
  logicalId: 'DeploymentsTable' | 'IdempotencyTable',
): Promise<string> =>
  createTableFromTemplate(client, {
    service: 'platform',
    logicalId,
    namePrefix: logicalId.replace('Table', '').toLowerCase(),
  });
