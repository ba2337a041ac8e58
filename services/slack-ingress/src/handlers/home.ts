import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadHomeConfig } from '../homeConfig';
import { buildHomeHandler } from '../homeWiring';

// Built once per cold start; a bad environment fails here, naming the variable.
const config = loadHomeConfig();
const dynamo = new DynamoDBClient({});

/** The `home` function: its SQS queue, fed by the ingress stack's home rule on the bus (ADR 0023). */
export const handler = buildHomeHandler(config, {
  dynamo,
  documents: DynamoDBDocumentClient.from(dynamo),
  ssm: new SSMClient({}),
});
