import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Log } from '@branch-envs/shared/log';
import { motoClientConfig } from '../../../../local/src/aws/moto';
import { motoEndpoint, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import type { ReaperConfig } from '../../src/config';
import { chunk, settleWithLimit } from '../../src/domain/concurrency';
import type { ReaperPolicy, Telemetry } from '../../src/domain/ports';
import { createRuntime, type Runtime } from '../../src/wiring';
import { testPolicy } from './factories';

/** An event as the reaper put it on the bus. */
export interface Published {
  detailType: string;
  detail: {
    metadata: { eventId: string; causationId: string; correlationId: string; schemaVersion?: number };
    data: Record<string, unknown>;
  };
}

export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const countingTelemetry = (): Telemetry & { counts: Map<string, number> } => {
  const counts = new Map<string, number>();
  return { counts, count: (name, value = 1) => counts.set(name, (counts.get(name) ?? 0) + value) };
};

/** Records every PutEvents entry (still sent to moto), so tests can read what was published. */
export const recordPutEvents = (client: EventBridgeClient): Published[] => {
  const published: Published[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as PutEventsCommandInput;
      for (const entry of input.Entries ?? []) {
        published.push({ detailType: entry.DetailType ?? '', detail: JSON.parse(entry.Detail ?? '{}') });
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordPutEvents' },
  );
  return published;
};

export interface World {
  rt: Runtime;
  published: Published[];
  telemetry: ReturnType<typeof countingTelemetry>;
  documents: DynamoDBDocumentClient;
  ec2: EC2Client;
  deploymentsTable: string;
  seed(records: readonly DeploymentRecord[]): Promise<void>;
  item(deployId: string): Promise<DeploymentItem | undefined>;
  launch(count: number, tags: Tag[]): Promise<string[]>;
  instances(filters?: { Name: string; Values: string[] }[]): Promise<Instance[]>;
}

/**
 * A reaper wired to moto: fresh tables and bus, EC2 in its own `region` (reconciliation lists a
 * whole region, so each suite that launches instances gets one nobody else uses).
 */
export const createWorld = async (options: {
  region: string;
  policy?: Partial<ReaperPolicy>;
  clock?: () => Date;
  batchSize?: number;
  quota?: { maxLivePerUser: number; maxLiveTotal: number };
}): Promise<World> => {
  const config = motoClientConfig(motoEndpoint(), options.region);
  const dynamo = new DynamoDBClient(config);
  const eventBridge = new EventBridgeClient(config);
  const ec2 = new EC2Client({ ...config, maxAttempts: 1 });
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const [deploymentsTable, idempotencyTable] = await Promise.all([
    createPlatformTable(dynamo, 'DeploymentsTable'),
    createPlatformTable(dynamo, 'IdempotencyTable'),
  ]);
  const busName = uniqueName('bus');
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  const published = recordPutEvents(eventBridge);
  const telemetry = countingTelemetry();
  const reaperConfig: ReaperConfig = {
    stage: 'test',
    eventBusName: busName,
    deploymentsTable,
    idempotencyTable,
    terminateBatchSize: options.batchSize ?? 100,
    reconcileStageTag: undefined,
    policy: testPolicy(options.policy),
    quota: options.quota ?? { maxLivePerUser: 3, maxLiveTotal: 20 },
  };
  const rt = createRuntime(
    reaperConfig,
    { dynamo, eventBridge, ec2 },
    {
      telemetry,
      log: silentLog,
      logger: new Logger({ serviceName: 'reaper', logLevel: 'SILENT' }),
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );

  return {
    rt,
    published,
    telemetry,
    documents,
    ec2,
    deploymentsTable,
    async seed(records) {
      const results = await settleWithLimit(chunk(records, 25), 4, (batch) =>
        documents.send(
          new BatchWriteCommand({
            RequestItems: { [deploymentsTable]: batch.map((Item) => ({ PutRequest: { Item } })) },
          }),
        ),
      );
      const failure = results.find((r) => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
    async item(deployId) {
      const out = await documents.send(new GetCommand({ TableName: deploymentsTable, Key: { deployId } }));
      return out.Item as DeploymentItem | undefined;
    },
    async launch(count, tags) {
      // moto slows down superlinearly with the size of one RunInstances call; 100 at a time is ~2x faster.
      const launched: string[] = [];
      for (let left = count; left > 0; left -= 100) {
        const n = Math.min(100, left);
        const out = await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-12c6146b',
            InstanceType: 't3.micro',
            MinCount: n,
            MaxCount: n,
            ...(tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] } : {}),
          }),
        );
        launched.push(...(out.Instances ?? []).map((i) => i.InstanceId ?? ''));
      }
      return launched;
    },
    async instances(filters = []) {
      const found: Instance[] = [];
      let NextToken: string | undefined;
      do {
        const page = await ec2.send(new DescribeInstancesCommand({ Filters: filters, NextToken }));
        for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return found;
    },
  };
};
