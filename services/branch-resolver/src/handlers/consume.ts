import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadResolverConfig } from '../config';
import { buildResolverHandler } from '../wiring';

// Config and clients once per cold start; a bad variable fails here, naming it.
const config = loadResolverConfig();

/** The Lambda entry point: DeployRequested from the service's queue (serverless.yml). */
export const handler = buildResolverHandler(config, {
  dynamo: new DynamoDBClient({}),
  eventBridge: new EventBridgeClient({}),
  // moto serves S3 on one host, so the local stack needs path-style addressing.
  s3: new S3Client({ forcePathStyle: config.awsEndpointUrl !== undefined }),
  ssm: new SSMClient({}),
});
