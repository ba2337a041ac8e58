import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeployRequestedV3 } from '@branch-envs/shared/events/DeployRequested.v3';
import { TerminateRequested } from '@branch-envs/shared/events/TerminateRequested';
import { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import { motoConfig, queueRoutedFrom, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createIngressHandler, type IngressHandler } from '../../src/handlers/createIngressHandler';
import { buildDependencies } from '../../src/wiring';
import {
  DEPLOY_ID,
  deploymentItem,
  lambdaContext,
  OTHER_DEPLOY_ID,
  OTHER_USER,
  replyOf,
  SIGNING_SECRET,
  silentLogger,
  slashEvent,
  testConfig,
} from '../helpers/factories';

const aws = motoConfig();
const eventBridge = new EventBridgeClient(aws);
const sqs = new SQSClient(aws);
const ssm = new SSMClient(aws);
const dynamo = new DynamoDBClient(aws);
const documents = DynamoDBDocumentClient.from(dynamo);

/** Every DynamoDB operation the handler sends, by name, so a Scan cannot slip in unnoticed. */
const dynamoCommands: string[] = [];
dynamo.middlewareStack.add(
  (next, context) => (args) => {
    dynamoCommands.push(String(context.commandName));
    return next(args);
  },
  { step: 'initialize', name: 'recordDynamoCommands' },
);

const receive = async (queueUrl: string, expected: number, attempts = 6): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let attempt = 0; attempt < attempts && messages.length < expected; attempt += 1) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    messages.push(...(out.Messages ?? []));
  }
  return messages;
};

/** The EventBridge envelope SQS received, with the detail parsed by its contract. */
const envelopeOf = (message: Message | undefined) =>
  JSON.parse(message?.Body ?? 'null') as Record<string, unknown>;

describe('slack-ingress against moto', () => {
  let handler: IngressHandler;
  /** The same handler on a table of its own, so the records its /deploy tests create stay out of lists. */
  let requestHandler: IngressHandler;
  let queueUrl: string;

  beforeAll(async () => {
    // Prepare: the bus, a rule to a queue, the platform's table with its GSIs, and the signing secret.
    const busName = uniqueName('bus');
    await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
    queueUrl = await queueRoutedFrom({ eventBridge, sqs }, busName, {
      source: ['branch-envs.slack-ingress'],
      'detail-type': ['DeployRequested', 'TerminateRequested', 'ExtendRequested', 'UpdateRequested'],
    });
    const tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
    const secretName = `/branch-envs/${uniqueName('it')}/slack/signing-secret`;
    await ssm.send(
      new PutParameterCommand({ Name: secretName, Type: 'SecureString', Value: SIGNING_SECRET }),
    );
    for (const item of [
      deploymentItem(),
      deploymentItem({
        deployId: OTHER_DEPLOY_ID,
        status: 'RUNNING',
        branch: 'feature/other',
        owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' },
        ownerId: OTHER_USER,
      }),
      deploymentItem({
        deployId: '01KB0W8J6QF3ZC9D2M4N5P7R7A',
        status: 'TERMINATED',
        createdAt: '2026-11-25T09:00:00.000Z',
      }),
    ]) {
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
    }
    const config = testConfig({
      EVENT_BUS_NAME: busName,
      DEPLOYMENTS_TABLE: tableName,
      SIGNING_SECRET_PARAM: secretName,
    });
    handler = createIngressHandler(
      buildDependencies(config, { eventBridge, dynamo: documents, ssm }, { logger: silentLogger() }),
    );
    const requestsConfig = {
      ...config,
      deploymentsTable: await createPlatformTable(dynamo, 'DeploymentsTable'),
    };
    requestHandler = createIngressHandler(
      buildDependencies(requestsConfig, { eventBridge, dynamo: documents, ssm }, { logger: silentLogger() }),
    );
  }, 30_000);

  beforeEach(() => {
    dynamoCommands.length = 0;
  });

  it('publishes exactly one DeployRequested for a signed /deploy login, and none for its retry', async () => {
    // Act
    const first = await requestHandler(slashEvent('/deploy', 'login'), lambdaContext());
    const retry = await requestHandler(
      slashEvent('/deploy', 'login', {}, { headers: { 'x-slack-retry-num': '1' } }),
      lambdaContext(),
    );
    const messages = await receive(queueUrl, 2);

    // Assess
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(messages).toHaveLength(1);
    const envelope = envelopeOf(messages[0]);
    expect(envelope).toMatchObject({ 'detail-type': 'DeployRequested', source: 'branch-envs.slack-ingress' });
    const detail = DeployRequestedV3.detail.parse(envelope.detail);
    expect(replyOf(first)?.text).toContain(`(deploy \`${detail.data.deployId}\`)`);
    expect(detail.metadata.correlationId).toBe(detail.data.deployId);
  });

  it('bug: status right after the ack could not find the deploy — the record is born with the request', async () => {
    // Act: ask for the status the moment the acknowledgement names the deploy id
    const ack = await requestHandler(slashEvent('/deploy', 'ABC-777 for 2h'), lambdaContext());
    const deployId = /\(deploy `([0-9A-Z]{26})`\)/.exec(replyOf(ack)?.text ?? '')?.[1];
    const status = await requestHandler(slashEvent('/deploy', `status ${deployId}`), lambdaContext());
    const published = await receive(queueUrl, 1);

    // Assess
    expect(deployId).toBeDefined();
    const blocks = JSON.stringify(replyOf(status)?.blocks);
    expect(blocks).not.toContain("can't find");
    expect(blocks).toContain(`deploy \`${deployId}\``);
    expect(blocks).toContain('REQUESTED');
    expect(blocks).toContain('Looking for a branch matching `ABC-777`');
    expect(DeployRequestedV3.detail.parse(envelopeOf(published[0]).detail).data.deployId).toBe(deployId);
  });

  it('lists live deployments through the status index, without a Scan', async () => {
    // Act
    const result = await handler(slashEvent('/deploy', 'list'), lambdaContext());

    // Assess
    const blocks = JSON.stringify(replyOf(result)?.blocks);
    expect(blocks).toContain('Live environments (2)');
    expect(blocks).toContain('feature/other');
    // The queued requests (ADR 0025) are one item, read by key.
    expect(new Set(dynamoCommands)).toEqual(new Set(['QueryCommand', 'GetItemCommand']));
    expect(dynamoCommands.filter((c) => c === 'GetItemCommand')).toHaveLength(1);
  });

  it('shows status by id through GetItem and by branch through the branch index', async () => {
    // Act
    const byId = await handler(slashEvent('/deploy', `status ${DEPLOY_ID}`), lambdaContext());
    const byBranch = await handler(
      slashEvent('/deploy', 'status feature/ABC-123-login-page'),
      lambdaContext(),
    );

    // Assess
    expect(JSON.stringify(replyOf(byId)?.blocks)).toContain('READY');
    expect(JSON.stringify(replyOf(byBranch)?.blocks)).toContain('1 older deployment(s)');
    expect(dynamoCommands).toEqual(['GetItemCommand', 'QueryCommand']);
  });

  it("lists a user's own environments through the owner index", async () => {
    // Act
    const result = await handler(slashEvent('/deploy', 'list mine'), lambdaContext());

    // Assess
    expect(JSON.stringify(replyOf(result)?.blocks)).toContain('Your live environments (1)');
    expect(dynamoCommands).toEqual(['QueryCommand', 'GetItemCommand']);
  });

  it('publishes TerminateRequested for an owner and refuses a non-owner', async () => {
    // Act
    const own = await handler(slashEvent('/terminate', DEPLOY_ID), lambdaContext());
    const others = await handler(slashEvent('/terminate', OTHER_DEPLOY_ID), lambdaContext());
    const messages = await receive(queueUrl, 2);

    // Assess
    expect(replyOf(own)?.text).toContain('Terminating deploy');
    expect(replyOf(others)?.text).toContain('Only its owner or an admin can terminate it');
    expect(messages).toHaveLength(1);
    const detail = TerminateRequested.detail.parse(envelopeOf(messages[0]).detail);
    expect(detail.data.target).toEqual({ kind: 'deploy', deployId: DEPLOY_ID });
  });

  it('publishes UpdateRequested for a ready environment by branch, and answers one still launching at once (ADR 0029)', async () => {
    // Act
    const ready = await handler(
      slashEvent('/deploy', 'update feature/ABC-123-login-page --reseed'),
      lambdaContext(),
    );
    const launching = await handler(
      slashEvent('/deploy', `update ${OTHER_DEPLOY_ID}`, { user_id: OTHER_USER }),
      lambdaContext(),
    );
    const messages = await receive(queueUrl, 2);

    // Assess
    expect(replyOf(ready)?.text).toContain('in place to the newest build of its branch');
    expect(replyOf(launching)?.text).toContain('is still launching (running)');
    expect(messages).toHaveLength(1);
    const envelope = envelopeOf(messages[0]);
    expect(envelope).toMatchObject({ 'detail-type': 'UpdateRequested', source: 'branch-envs.slack-ingress' });
    const detail = UpdateRequested.detail.parse(envelope.detail);
    expect(detail.data).toMatchObject({
      deployId: DEPLOY_ID,
      branch: 'feature/ABC-123-login-page',
      reseed: true,
    });
    expect(detail.metadata.correlationId).toBe(DEPLOY_ID);
  });

  it('answers a tampered request with a bare 401 and publishes nothing', async () => {
    // Act
    const result = await handler(
      slashEvent('/deploy', 'login', {}, { secret: 'not-the-secret' }),
      lambdaContext(),
    );
    const messages = await receive(queueUrl, 1, 2);

    // Assess
    expect(result).toMatchObject({ statusCode: 401, body: '' });
    expect(messages).toEqual([]);
  });
});
