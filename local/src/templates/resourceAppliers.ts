import {
  CreateTableCommand,
  type CreateTableCommandInput,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
  UpdateArchiveCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SetQueueAttributesCommand, TagQueueCommand } from '@aws-sdk/client-sqs';
import { PutParameterCommand, type PutParameterCommandInput } from '@aws-sdk/client-ssm';
import { type AwsClients, awsErrorName } from '../aws/clients';
import { isRecord } from './cfnTypes';
import { applyDocument, withEventBridgeNotifications } from './documentAppliers';

export type ApplyOutcome = 'created' | 'updated';

/** Properties already resolved (no intrinsics left), plus the resource's local physical name. */
export interface ApplyInput {
  logicalId: string;
  name: string;
  props: Record<string, unknown>;
  region: string;
  clients: AwsClients;
}

export type ResourceApplier = (input: ApplyInput) => Promise<ApplyOutcome>;

const exists = async (create: () => Promise<unknown>, names: string[]): Promise<ApplyOutcome> => {
  try {
    await create();
    return 'created';
  } catch (error) {
    if (names.includes(awsErrorName(error) ?? '')) return 'updated';
    throw error;
  }
};

const json = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

const tagList = (tags: unknown): { Key: string; Value: string }[] | undefined =>
  Array.isArray(tags)
    ? tags.filter(isRecord).map((t) => ({ Key: String(t.Key), Value: String(t.Value) }))
    : undefined;

const applyEventBus: ResourceApplier = ({ name, props, clients }) =>
  exists(
    () =>
      clients.eventBridge.send(
        new CreateEventBusCommand({ Name: name, Description: props.Description as string | undefined }),
      ),
    ['ResourceAlreadyExistsException'],
  );

const applyArchive: ResourceApplier = async ({ name, props, clients }) => {
  const settings = {
    ArchiveName: name,
    Description: props.Description as string | undefined,
    EventPattern: json(props.EventPattern),
    RetentionDays: props.RetentionDays === undefined ? undefined : Number(props.RetentionDays),
  };
  const outcome = await exists(
    () =>
      clients.eventBridge.send(
        new CreateArchiveCommand({ ...settings, EventSourceArn: String(props.SourceArn) }),
      ),
    ['ResourceAlreadyExistsException'],
  );
  if (outcome === 'updated') await clients.eventBridge.send(new UpdateArchiveCommand(settings));
  return outcome;
};

/**
 * moto 5.2.1 leaves `account` out of the event it delivers to a target without an input transformer,
 * and the Powertools EventBridge schema requires it. `<aws.events.event.json>` makes moto deliver the
 * whole event as it was put, which is what real EventBridge sends.
 */
export const MOTO_FULL_EVENT_INPUT = { InputPathsMap: {}, InputTemplate: '<aws.events.event.json>' };

const toTarget = (target: Record<string, unknown>): Target => {
  const custom =
    target.Input !== undefined || target.InputPath !== undefined || target.InputTransformer !== undefined;
  return {
    ...(target as unknown as Target),
    Id: String(target.Id),
    Arn: String(target.Arn),
    ...(custom ? {} : { InputTransformer: MOTO_FULL_EVENT_INPUT }),
  };
};

/** A bus rule with its pattern exactly as the template has it; moto does the matching. */
export const applyRule = async (
  input: ApplyInput & { targets: Record<string, unknown>[] },
): Promise<ApplyOutcome> => {
  const { name, props, clients, targets } = input;
  const busName = String(props.EventBusName ?? 'default')
    .split('/')
    .pop();
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: name,
      EventBusName: busName,
      EventPattern: json(props.EventPattern),
      State: (props.State as 'ENABLED' | undefined) ?? 'ENABLED',
      Description: props.Description as string | undefined,
    }),
  );
  if (targets.length > 0) {
    const result = await clients.eventBridge.send(
      new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: targets.map(toTarget) }),
    );
    if ((result.FailedEntryCount ?? 0) > 0)
      throw new Error(`PutTargets failed for rule ${name}: ${JSON.stringify(result.FailedEntries)}`);
  }
  return 'updated';
};

const QUEUE_PROPS_NOT_ATTRIBUTES = new Set(['QueueName', 'Tags', 'FifoQueue']);

const applyQueue: ResourceApplier = async ({ name, props, clients }) => {
  const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
  const created = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : undefined }),
  );
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!QUEUE_PROPS_NOT_ATTRIBUTES.has(key) && value !== undefined) attributes[key] = json(value) ?? '';
  }
  // Set separately so re-applying a changed template updates the queue instead of failing.
  if (Object.keys(attributes).length > 0) {
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: created.QueueUrl, Attributes: attributes }),
    );
  }
  const tags = tagList(props.Tags);
  if (tags?.length) {
    await clients.sqs.send(
      new TagQueueCommand({
        QueueUrl: created.QueueUrl,
        Tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
      }),
    );
  }
  return 'created';
};

const applyQueuePolicy: ResourceApplier = async ({ props, clients }) => {
  const queues = Array.isArray(props.Queues) ? props.Queues.map(String) : [];
  for (const url of queues) {
    await clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: { Policy: json(props.PolicyDocument) ?? '' },
      }),
    );
  }
  return 'updated';
};

const tableInput = (name: string, p: Record<string, unknown>): CreateTableCommandInput => {
  const sse = isRecord(p.SSESpecification) ? p.SSESpecification : undefined;
  const stream = isRecord(p.StreamSpecification) ? p.StreamSpecification : undefined;
  return {
    TableName: name,
    AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
    BillingMode: (p.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PROVISIONED',
    ProvisionedThroughput: p.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'],
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'],
    LocalSecondaryIndexes: p.LocalSecondaryIndexes as CreateTableCommandInput['LocalSecondaryIndexes'],
    SSESpecification: sse ? { Enabled: sse.SSEEnabled === true || sse.SSEEnabled === 'true' } : undefined,
    StreamSpecification: stream
      ? { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_AND_OLD_IMAGES' }
      : undefined,
    Tags: tagList(p.Tags),
  };
};

const applyTable: ResourceApplier = async ({ name, props, clients }) => {
  const outcome = await exists(
    () => clients.dynamodb.send(new CreateTableCommand(tableInput(name, props))),
    ['ResourceInUseException'],
  );
  const ttl = isRecord(props.TimeToLiveSpecification) ? props.TimeToLiveSpecification : undefined;
  if (outcome === 'created' && ttl) {
    await clients.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: {
          AttributeName: String(ttl.AttributeName),
          Enabled: ttl.Enabled === true || ttl.Enabled === 'true',
        },
      }),
    );
  }
  const pitr = isRecord(props.PointInTimeRecoverySpecification)
    ? props.PointInTimeRecoverySpecification
    : undefined;
  if (outcome === 'created' && pitr) {
    await clients.dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: {
          PointInTimeRecoveryEnabled: pitr.PointInTimeRecoveryEnabled === true,
        },
      }),
    );
  }
  return outcome;
};

const applyParameter: ResourceApplier = async ({ name, props, clients }) => {
  await clients.ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: String(props.Value),
      Type: (props.Type as PutParameterCommandInput['Type']) ?? 'String',
      Description: props.Description as string | undefined,
      AllowedPattern: props.AllowedPattern as string | undefined,
      DataType: props.DataType as string | undefined,
      Overwrite: true,
    }),
  );
  return 'updated';
};

const applyBucket: ResourceApplier = ({ name, region, clients }) =>
  exists(
    () =>
      clients.s3.send(
        new CreateBucketCommand({
          Bucket: name,
          CreateBucketConfiguration: { LocationConstraint: region as 'eu-north-1' },
        }),
      ),
    ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'],
  );

/** The resource types the applier creates in moto. Rules are special-cased for their targets. */
export const RESOURCE_APPLIERS: Record<string, ResourceApplier> = {
  'AWS::Events::EventBus': applyEventBus,
  'AWS::Events::Archive': applyArchive,
  'AWS::SQS::Queue': applyQueue,
  'AWS::SQS::QueuePolicy': applyQueuePolicy,
  'AWS::DynamoDB::Table': applyTable,
  'AWS::SSM::Parameter': applyParameter,
  'AWS::S3::Bucket': withEventBridgeNotifications(applyBucket),
  'AWS::SSM::Document': applyDocument,
};
