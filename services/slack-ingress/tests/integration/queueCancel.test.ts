import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { QUEUE_KEY, type QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import { newId } from '@branch-envs/shared/ids';
import { causedEventId } from '@branch-envs/shared/publish';
import { motoConfig, uniqueName } from '../../../../tests/helpers/aws';
import { createPlatformTable } from '../../../../tests/helpers/tables';
import { createIngressHandler, type IngressHandler } from '../../src/handlers/createIngressHandler';
import { buildDependencies } from '../../src/wiring';
import {
  ADMIN,
  buttonEvent,
  deploymentItem,
  lambdaContext,
  OTHER_USER,
  replyOf,
  SIGNING_SECRET,
  silentLogger,
  slashEvent,
  testConfig,
  USER,
} from '../helpers/factories';

const aws = motoConfig();
const dynamo = new DynamoDBClient(aws);
const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
const eventBridge = new EventBridgeClient(aws);
const ssm = new SSMClient(aws);

interface Put {
  detailType: string;
  detail: { metadata: { eventId: string }; data: Record<string, unknown> };
}
const published: Put[] = [];
eventBridge.middlewareStack.add(
  (next) => async (args) => {
    for (const entry of (args.input as PutEventsCommandInput).Entries ?? []) {
      published.push({ detailType: entry.DetailType ?? '', detail: JSON.parse(entry.Detail ?? '{}') });
    }
    return next(args);
  },
  { step: 'initialize', name: 'recordPutEvents' },
);

const ownerOf = (userId: string) => ({ userId, teamId: 'T0TEAM001', userName: userId.toLowerCase() });

/** A request the provisioner refused over a quota, as it leaves the record. */
const refused = (overrides: Partial<DeploymentRecord> = {}): DeploymentRecord =>
  deploymentItem({
    deployId: newId(),
    status: 'REJECTED',
    query: 'login',
    history: [
      { step: 'requested', at: new Date().toISOString() },
      { step: 'rejected', at: new Date().toISOString(), note: 'quota_exceeded' },
    ],
    ...overrides,
  });

/**
 * ADR 0031 on ingress: [Queue me] keeps what the refused request asked for, and `/terminate mine` or
 * `all` cancels waiting requests and tells each owner with a QueuedDeployEnded derived from the entry.
 */
describe('queued requests, kept and cancelled by ingress (moto)', () => {
  let handler: IngressHandler;
  let tableName: string;
  const posted: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const busName = uniqueName('bus');
    await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
    const secretName = `/branch-envs/${uniqueName('it')}/slack/signing-secret`;
    await ssm.send(
      new PutParameterCommand({ Name: secretName, Type: 'SecureString', Value: SIGNING_SECRET }),
    );
    const config = testConfig({
      EVENT_BUS_NAME: busName,
      DEPLOYMENTS_TABLE: tableName,
      SIGNING_SECRET_PARAM: secretName,
      ALLOWED_USERS: `${USER},${OTHER_USER},${ADMIN}`,
    });
    const fetchStub = (async (_url: string | URL | Request, init?: RequestInit) => {
      posted.push(JSON.parse(String(init?.body ?? '{}')));
      return new Response('ok');
    }) as typeof fetch;
    handler = createIngressHandler(
      buildDependencies(
        config,
        { eventBridge, dynamo: documents, ssm },
        { logger: silentLogger(), fetch: fetchStub },
      ),
    );
  }, 30_000);

  beforeEach(async () => {
    published.length = 0;
    posted.length = 0;
    await documents.send(new DeleteCommand({ TableName: tableName, Key: { deployId: QUEUE_KEY } }));
  });

  const seed = (item: Record<string, unknown>) =>
    documents.send(new PutCommand({ TableName: tableName, Item: item }));
  const get = async (deployId: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { deployId }, ConsistentRead: true })))
      .Item;
  const entries = async () => ((await get(QUEUE_KEY))?.entries ?? []) as QueueEntry[];
  const queueMe = (value: string, userId = USER) =>
    handler(buttonEvent({ actionId: 'queue_me', value, userId }), lambdaContext());
  const ended = () => published.filter((p) => p.detailType === QueuedDeployEnded.detailType);

  it('keeps --fresh, --spot and --no-follow on the record and on the queued entry', async () => {
    // Act: the deploy as typed, then its refusal as the provisioner writes it, then [Queue me]
    const typed = await handler(slashEvent('/deploy', 'login --fresh --spot --no-follow'), lambdaContext());
    const deployId = String(published.find((p) => p.detailType === 'DeployRequested')?.detail.data.deployId);
    const record = await get(deployId);
    await seed({ ...record, status: 'REJECTED', history: refused().history });
    await queueMe(deployId);

    // Assess
    expect(typed.statusCode).toBe(200);
    expect(record).toMatchObject({ fresh: true, capacity: 'spot', follow: false });
    expect((await entries()).find((e) => e.entryId === deployId)).toMatchObject({
      fresh: true,
      capacity: 'spot',
      follow: false,
    });
  });

  it('cancels the user’s waiting requests with /terminate mine and tells them once, by entry', async () => {
    // Prepare
    const mine = refused({ query: 'checkout' });
    await seed(mine);
    await queueMe(mine.deployId);
    published.length = 0;

    // Act
    const reply = replyOf(await handler(slashEvent('/terminate', 'mine'), lambdaContext()));

    // Assess
    expect(reply?.text).toContain('Cancelled your queued request');
    expect(ended()).toHaveLength(1);
    expect(ended()[0]?.detail.metadata.eventId).toBe(causedEventId(mine.deployId, QueuedDeployEnded));
    expect(ended()[0]?.detail.data).toMatchObject({
      entryId: mine.deployId,
      query: 'checkout',
      reason: 'cancelled_by_user',
      cancelledBy: USER,
    });
    expect((await entries()).filter((e) => e.entryId === mine.deployId)).toEqual([]);
  });

  it('tells other owners an admin cancelled theirs with /terminate all', async () => {
    // Prepare
    const theirs = refused({ owner: ownerOf(OTHER_USER), ownerId: OTHER_USER, query: 'search' });
    await seed(theirs);
    await queueMe(theirs.deployId, OTHER_USER);
    published.length = 0;

    // Act
    const reply = replyOf(
      await handler(slashEvent('/terminate', 'all', { user_id: ADMIN, user_name: 'admin' }), lambdaContext()),
    );

    // Assess
    expect(reply?.text).toContain('Cancelled');
    expect(ended().map((p) => p.detail.data)).toEqual([
      expect.objectContaining({ entryId: theirs.deployId, reason: 'cancelled_by_admin', cancelledBy: ADMIN }),
    ]);
    expect(await entries()).toEqual([]);
  });

  it('answers [Queue me] on a request that already left the queue without queueing it again', async () => {
    // Prepare: the entry ended, and its announcement is not finished yet
    const gone = refused();
    await seed(gone);
    await queueMe(gone.deployId);
    const item = await get(QUEUE_KEY);
    const marked = (item?.entries as QueueEntry[]).map((e) =>
      e.entryId === gone.deployId
        ? { ...e, state: 'ended', endReason: 'expired', endedAt: new Date().toISOString() }
        : e,
    );
    await seed({ ...item, entries: marked, version: Number(item?.version) + 1 });

    // Act
    const pressed = await queueMe(gone.deployId);

    // Assess
    expect(pressed.statusCode).toBe(200);
    expect(String(posted.at(-1)?.text)).toContain('already left the queue without starting');
    expect((await entries()).filter((e) => e.entryId === gone.deployId).map((e) => e.state)).toEqual([
      'ended',
    ]);
  });
});
