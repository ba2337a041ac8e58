import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { motoEndpoint } from '../../../tests/helpers/aws';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import { readPackagedStack } from '../../src/templates/cfnTypes';
import { MOTO_ACCOUNT_ID } from '../../src/templates/stackContext';
import { type AppliedStack, applyStack } from '../../src/templates/templateApplier';
import { type PackagedFixture, packageFixture, uniqueStage } from '../helpers/fixtureService';

const stage = uniqueStage('ta');
let fixture: PackagedFixture;
let clients: AwsClients;
let applied: AppliedStack;

/** The local account the applier works in, against the jest run's moto. */
const account = () => ({
  region: 'eu-north-1',
  accountId: MOTO_ACCOUNT_ID,
  motoEndpoint: motoEndpoint(),
  httpApiUrl: 'http://127.0.0.1:1',
  exports: new Map<string, string>(),
});

beforeAll(async () => {
  fixture = await packageFixture(stage);
  clients = createAwsClients(motoEndpoint());
  applied = await applyStack(readPackagedStack(fixture.dir), account(), clients);
}, 90_000);

afterAll(() => {
  clients?.destroy();
  fixture?.remove();
});

describe('applyStack on the packaged fixture template', () => {
  it('creates the bus rule with the template’s event pattern verbatim, targeting the queue', async () => {
    // Prepare
    const template = readPackagedStack(fixture.dir).template.Resources.WorkRule?.Properties?.EventPattern;

    // Act
    const rule = await clients.eventBridge.send(
      new DescribeRuleCommand({
        Name: `branch-envs-fixture-${stage}-WorkRule`,
        EventBusName: `branch-envs-${stage}-bus`,
      }),
    );
    const targets = await clients.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: `branch-envs-${stage}-bus` }),
    );

    // Assess
    expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual(template);
    expect(targets.Targets?.[0]?.Arn).toBe(
      `arn:aws:sqs:eu-north-1:${MOTO_ACCOUNT_ID}:branch-envs-${stage}-fixture-work`,
    );
  });

  it('creates the queue with its redrive policy pointing at the DLQ', async () => {
    // Act
    const { QueueUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: `branch-envs-${stage}-fixture-work` }),
    );
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );

    // Assess
    expect(attributes.Attributes?.VisibilityTimeout).toBe('60');
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:eu-north-1:${MOTO_ACCOUNT_ID}:branch-envs-${stage}-fixture-work-dlq`,
      maxReceiveCount: 2,
    });
  });

  it('creates the table with its GSI and TTL', async () => {
    // Act
    const table = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: `branch-envs-${stage}-fixture-table` }),
    );
    const ttl = await clients.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: `branch-envs-${stage}-fixture-table` }),
    );

    // Assess
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['status-expiresAt']);
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'ttl', TimeToLiveStatus: 'ENABLED' });
  });

  it('creates the parameter with intrinsics resolved, and the bucket', async () => {
    // Act
    const parameter = await clients.ssm.send(
      new GetParameterCommand({ Name: `/branch-envs/${stage}/fixture/setting` }),
    );
    const bucket = await clients.s3.send(
      new HeadBucketCommand({ Bucket: `branch-envs-${stage}-fixture-bucket` }),
    );

    // Assess
    expect(parameter.Parameter?.Value).toBe(`branch-envs-${stage}-fixture-table-setting`);
    expect(bucket.$metadata.httpStatusCode).toBe(200);
  });

  it('bridges a rule that targets a function through a queue the runner polls', async () => {
    // Prepare
    const bridge = applied.queues.find((q) => q.bridge);

    // Act
    const targets = await clients.eventBridge.send(
      new ListTargetsByRuleCommand({
        Rule: `branch-envs-fixture-${stage}-direct-rule-1`,
        EventBusName: `branch-envs-${stage}-bus`,
      }),
    );

    // Assess
    expect(bridge).toMatchObject({ functionName: `branch-envs-fixture-${stage}-direct`, batchSize: 1 });
    expect(targets.Targets?.[0]?.Arn).toBe(bridge?.queueArn);
  });

  it('maps functions, the event source mapping, schedules and routes onto the runner', () => {
    // Act
    const consume = applied.functions.find((f) => f.logicalId === 'ConsumeLambdaFunction');

    // Assess
    expect(consume).toMatchObject({ timeoutSeconds: 10, handlerExport: 'handler' });
    expect(consume?.handlerFile).toBe(`${fixture.dir}/src/handlers/consume.ts`);
    expect(consume?.environment).toMatchObject({
      WORK_QUEUE_URL: `${motoEndpoint()}/${MOTO_ACCOUNT_ID}/branch-envs-${stage}-fixture-work`,
      GREETING: `hello from eu-north-1 on ${stage}`,
      JOINED: `branch-envs-${stage}-fixture-table/arn:aws:dynamodb:eu-north-1:${MOTO_ACCOUNT_ID}:table/branch-envs-${stage}-fixture-table`,
      FAIL_WHEN_BODY_HAS: 'poison',
    });
    expect(applied.queues.find((q) => !q.bridge)).toMatchObject({
      batchSize: 5,
      reportBatchItemFailures: true,
      functionName: `branch-envs-fixture-${stage}-consume`,
    });
    expect(applied.schedules.map((s) => [s.kind, s.expression, s.timezone, s.input])).toEqual([
      ['events-rule', 'rate(1 minute)', undefined, undefined],
      ['scheduler', 'cron(0 19 * * ? *)', 'Europe/Helsinki', { kind: 'nightly' }],
    ]);
    expect(applied.routes.map((r) => r.routeKey).sort()).toEqual(['GET /items/{id}', 'POST /slack/commands']);
  });

  it('lists every resource it does not create, with what happens to it instead', () => {
    // Act
    const byType = new Map(applied.report.map((r) => [r.type, r]));

    // Assess
    expect(byType.get('AWS::IAM::Role')).toMatchObject({
      outcome: 'skipped',
      note: expect.stringContaining('IAM'),
    });
    expect(byType.get('AWS::Logs::LogGroup')?.outcome).toBe('skipped');
    expect(byType.get('AWS::Lambda::EventSourceMapping')?.outcome).toBe('runner');
    expect(byType.get('AWS::Scheduler::Schedule')?.outcome).toBe('runner');
    expect(applied.report).toHaveLength(
      Object.keys(readPackagedStack(fixture.dir).template.Resources).length,
    );
  });

  it('re-applies the same template without errors', async () => {
    // Act
    const again = await applyStack(readPackagedStack(fixture.dir), account(), clients);

    // Assess
    expect(again.report.find((r) => r.logicalId === 'Table')?.outcome).toBe('updated');
  });
});

// Runs last in this file: it edits the packaged fixture.
describe('routing comes from the packaged serverless.yml', () => {
  const bus = () => `branch-envs-${stage}-bus`;
  const queueUrl = () => `${motoEndpoint()}/${MOTO_ACCOUNT_ID}/branch-envs-${stage}-fixture-work`;

  /** Puts one event of each detail type and returns the detail types that reached the work queue. */
  const routedDetailTypes = async (detailTypes: string[]): Promise<string[]> => {
    await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl() }));
    await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: detailTypes.map((type) => ({
          EventBusName: bus(),
          Source: 'branch-envs.test',
          DetailType: type,
          Detail: JSON.stringify({ type }),
        })),
      }),
    );
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}')['detail-type']).sort();
  };

  it('delivers only the detail-type the rule’s pattern names', async () => {
    // Act
    const routed = await routedDetailTypes(['DeployRequested', 'TerminateRequested']);

    // Assess
    expect(routed).toEqual(['DeployRequested']);
  });

  it('delivers the whole EventBridge event, account included, as real EventBridge does', async () => {
    // Prepare
    await clients.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl() }));

    // Act
    await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: bus(),
            Source: 'branch-envs.test',
            DetailType: 'DeployRequested',
            Detail: '{"a":1}',
          },
        ],
      }),
    );
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl(), WaitTimeSeconds: 1 }),
    );

    // Assess
    expect(JSON.parse(received.Messages?.[0]?.Body ?? '{}')).toMatchObject({
      version: '0',
      account: MOTO_ACCOUNT_ID,
      source: 'branch-envs.test',
      'detail-type': 'DeployRequested',
      region: 'eu-north-1',
      resources: [],
      detail: { a: 1 },
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
  });

  it('follows an edited event pattern after re-packaging, with no other change', async () => {
    // Prepare
    await fixture.repackage((yml) =>
      yml.replace(/detail-type:\n(\s+)- DeployRequested/, 'detail-type:\n$1- TerminateRequested'),
    );

    // Act
    await applyStack(readPackagedStack(fixture.dir), account(), clients);
    const routed = await routedDetailTypes(['DeployRequested', 'TerminateRequested']);

    // Assess
    expect(routed).toEqual(['TerminateRequested']);
  }, 90_000);
});
