import type { PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { QUEUE_KEY, type QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import { causedEventId } from '@branch-envs/shared/publish';
import type { IngressHandler } from '../../src/handlers/createIngressHandler';
import {
  ADMIN,
  buttonEvent,
  lambdaContext,
  OTHER_USER,
  replyOf,
  slashEvent,
  USER,
} from '../helpers/factories';
import { motoClients, motoIngress, recordingFetch, quotaRefusal as refused } from '../helpers/motoIngress';

const clients = motoClients();
const { documents, eventBridge } = clients;

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

/**
 * ADR 0031 on ingress: [Queue me] keeps what the refused request asked for, and `/terminate mine` or
 * `all` cancels waiting requests and tells each owner with a QueuedDeployEnded derived from the entry.
 */
describe('queued requests, kept and cancelled by ingress (moto)', () => {
  let handler: IngressHandler;
  let tableName: string;
  const posted: Record<string, unknown>[] = [];

  beforeAll(async () => {
    ({ handler, tableName } = await motoIngress(
      clients,
      { ALLOWED_USERS: `${USER},${OTHER_USER},${ADMIN}` },
      recordingFetch(posted),
    ));
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
