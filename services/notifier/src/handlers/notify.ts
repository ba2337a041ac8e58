import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadNotifierConfig } from '../config';
import { buildNotifyHandler } from '../wiring';

// Built once per cold start; a bad environment fails here, naming the variable.
const config = loadNotifierConfig();
const dynamo = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
const ssm = new SSMClient({});

/** The `notify` function: the notifier's SQS queue, fed by its rule on the bus. */
export const handler = buildNotifyHandler({ config, dynamo, documents, ssm });
