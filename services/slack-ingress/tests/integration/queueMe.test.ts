import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { QUEUE_KEY } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { newId } from '@branch-envs/shared/ids';
import type { IngressHandler } from '../../src/handlers/createIngressHandler';
import { buttonEvent, lambdaContext, OTHER_USER, replyOf, slashEvent, USER } from '../helpers/factories';
import { motoClients, motoIngress, recordingFetch, quotaRefusal as refused } from '../helpers/motoIngress';

const clients = motoClients();
const { documents } = clients;

describe('[Queue me] on a quota refusal (moto)', () => {
  let handler: IngressHandler;
  let tableName: string;
  const posted: Record<string, unknown>[] = [];

  beforeAll(async () => {
    ({ handler, tableName } = await motoIngress(
      clients,
      { QUEUE_MAX_WAIT_MINUTES: '30' },
      recordingFetch(posted),
    ));
  }, 30_000);

  beforeEach(() => {
    posted.length = 0;
  });

  const seed = (record: DeploymentRecord) =>
    documents.send(new PutCommand({ TableName: tableName, Item: record }));
  const press = async (value: string, userId = USER) => {
    const result = await handler(buttonEvent({ actionId: 'queue_me', value, userId }), lambdaContext());
    return { status: result.statusCode, text: String(posted.at(-1)?.text ?? '') };
  };
  const queueItem = async () =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { deployId: QUEUE_KEY } }))).Item;

  it('queues the refused request once, however often it is pressed, and tells the place', async () => {
    // Prepare
    const record = refused();
    await seed(record);

    // Act
    const first = await press(record.deployId);
    const again = await press(record.deployId);

    // Assess
    expect(first.status).toBe(200);
    expect(first.text).toContain('is queued: number 1 in line');
    expect(again.text).toContain('is already queued: number 1 in line');
    const status = replyOf(
      await handler(slashEvent('/deploy', `status ${record.deployId}`), lambdaContext()),
    );
    expect(JSON.stringify(status?.blocks)).toContain('is already queued: number 1 in line');
    const entries = (await queueItem())?.entries as { entryId: string; state: string; expiresAt: number }[];
    expect(entries.filter((e) => e.entryId === record.deployId)).toHaveLength(1);
    expect(entries[0]?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 60);
  });

  it('refuses to queue someone else’s request, or one not refused over a quota, and writes nothing', async () => {
    // Prepare
    const theirs = refused({
      owner: { userId: OTHER_USER, teamId: 'T0TEAM001', userName: 'o' },
      ownerId: OTHER_USER,
    });
    const notFound = refused({
      history: [{ step: 'rejected', at: new Date().toISOString(), note: 'not_found' }],
    });
    await seed(theirs);
    await seed(notFound);
    const before = (await queueItem())?.version;

    // Act
    const stranger = await press(theirs.deployId);
    const wrongReason = await press(notFound.deployId);
    const unknown = await press(newId());
    const garbage = await press('not-a-deploy-id');

    // Assess
    expect(stranger.text).toContain('Only the person who asked');
    expect(wrongReason.text).toContain('was not refused over a quota');
    expect(unknown.text).toContain('I have no deploy');
    expect(garbage.status).toBe(200);
    expect((await queueItem())?.version).toBe(before);
  });

  it('shows the queue in /deploy list and cancels it with /terminate mine', async () => {
    // Prepare
    const record = refused({ query: 'checkout' });
    await seed(record);
    await press(record.deployId);

    // Act
    const listed = replyOf(await handler(slashEvent('/deploy', 'list mine'), lambdaContext()));
    const terminated = replyOf(await handler(slashEvent('/terminate', 'mine'), lambdaContext()));

    // Assess
    expect(JSON.stringify(listed?.blocks)).toContain('checkout');
    expect(JSON.stringify(listed?.blocks)).toContain('Queued (');
    expect(terminated?.text).toContain('Cancelled');
    const entries = (await queueItem())?.entries as { owner: { userId: string } }[];
    expect(entries.filter((e) => e.owner.userId === USER)).toEqual([]);
  });
});
