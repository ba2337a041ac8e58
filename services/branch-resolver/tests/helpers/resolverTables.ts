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

/** The cache table's key schema, read from this service's serverless.yml so tests never restate it. */
const cacheTableProperties = (): TableProperties => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8'), {
    logLevel: 'silent',
  }) as {
    resources: { Resources: { ResolverCacheTable: { Properties: TableProperties } } };
  };
  return doc.resources.Resources.ResolverCacheTable.Properties;
};

/** Creates a uniquely named copy of the resolver's cache table in moto and returns its name. */
export const createCacheTable = async (client: DynamoDBClient): Promise<string> => {
  const { AttributeDefinitions, KeySchema } = cacheTableProperties();
  const TableName = uniqueName('resolver-cache');
  await client.send(
    new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions, KeySchema }),
  );
  return TableName;
};
