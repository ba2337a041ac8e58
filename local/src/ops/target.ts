import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { motoClientConfig } from '../aws/moto';
import { LOCAL_STAGE } from '../config/localEnv';
import { readEndpoints, type StackEndpoints } from '../stack/stateFile';

/** Which deployment of branch-envs an `ops` command talks to. */
export interface OpsTarget {
  stage: string;
  region: string;
  /** Set with `--local`: the running local stack, whose moto is AWS. */
  local?: StackEndpoints;
}

export interface OpsClients {
  eventBridge: EventBridgeClient;
  sqs: SQSClient;
  ssm: SSMClient;
  ec2: EC2Client;
  documents: DynamoDBDocumentClient;
  cloudWatch: CloudWatchClient;
  cloudFormation: CloudFormationClient;
  destroy(): void;
}

export class OpsUsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'OpsUsageError';
  }
}

export interface TargetOptions {
  stage?: string;
  region?: string;
  local?: boolean;
  stateDir?: string;
}

/**
 * `--local` reads the running stack's endpoints.json (stage `local`, moto's region); otherwise the
 * stage is required and the region comes from `--region`, then AWS_REGION, as the SDK would.
 */
export const resolveTarget = (options: TargetOptions, env = process.env): OpsTarget => {
  if (options.local) {
    if (options.stage && options.stage !== LOCAL_STAGE)
      throw new OpsUsageError(`--local is the stage "${LOCAL_STAGE}"; drop --stage ${options.stage}`);
    const local = readEndpoints(options.stateDir);
    return { stage: LOCAL_STAGE, region: local.region, local };
  }
  if (!options.stage) throw new OpsUsageError('say which stage: --stage <stage>, or --local for `npm start`');
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(options.stage))
    throw new OpsUsageError(`"${options.stage}" is not a stage name (lower-case letters, digits, -)`);
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new OpsUsageError('say which region: --region <region> (or set AWS_REGION)');
  return { stage: options.stage, region };
};

/** One set of clients per command: the default credential chain, or moto for `--local`. */
export const createOpsClients = (target: OpsTarget): OpsClients => {
  const config = target.local
    ? motoClientConfig(target.local.motoEndpoint, target.region)
    : { region: target.region };
  const dynamodb = new DynamoDBClient(config);
  const clients = {
    eventBridge: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    ssm: new SSMClient(config),
    ec2: new EC2Client(config),
    documents: DynamoDBDocumentClient.from(dynamodb),
    cloudWatch: new CloudWatchClient(config),
    cloudFormation: new CloudFormationClient(config),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
      dynamodb.destroy();
    },
  };
};
