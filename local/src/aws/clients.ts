import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { motoClientConfig } from './moto';

/** The SDK clients the local stack itself uses against moto, built once per stack. */
export interface AwsClients {
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  ssm: SSMClient;
  s3: S3Client;
  ec2: EC2Client;
  destroy(): void;
}

export const LOCAL_REGION = 'eu-north-1';

export const createAwsClients = (endpoint: string, region = LOCAL_REGION): AwsClients => {
  const config = motoClientConfig(endpoint, region);
  const clients = {
    eventBridge: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    dynamodb: new DynamoDBClient(config),
    ssm: new SSMClient(config),
    // moto serves buckets by path, not by virtual host.
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ec2: new EC2Client(config),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
};

/** The AWS error name of a thrown SDK error, for deciding whether "already exists" is fine. */
export const awsErrorName = (error: unknown): string | undefined =>
  error instanceof Error ? error.name : undefined;
