import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableFromTemplate } from '../../../../tests/helpers/tables';

/** Creates a uniquely named copy of the resolver's cache table (shaped by its serverless.yml) in moto. */
export const createCacheTable = (client: DynamoDBClient): Promise<string> =>
  createTableFromTemplate(client, {
    service: 'branch-resolver',
    logicalId: 'ResolverCacheTable',
    namePrefix: 'resolver-cache',
  });
