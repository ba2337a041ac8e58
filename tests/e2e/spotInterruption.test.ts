import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { motoClientConfig } from '../../local/src/aws/moto';
import { type InterruptResult, runInterrupt } from '../../local/src/cli/interruptCommand';
import { LOCAL_USER, serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * Issue 20, part 3 on the local stack: `branch-envs local interrupt` puts EC2's Spot interruption
 * warning on moto's default bus; the platform's rule forwards it to the stage bus, the reaper ends
 * the deployment (TERMINATED, spot_interrupted) and its instance, and the notifier turns the
 * deployment's message into "AWS reclaimed…" with [Redeploy], which deploys the branch on-demand.
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

const readRecord = async (deployId: string) => {
  const documents = DynamoDBDocumentClient.from(t.stack.clients.dynamodb);
  const out = await documents.send(
    new GetCommand({
      TableName: t.stack.endpoints.deploymentsTable,
      Key: { deployId },
      ConsistentRead: true,
    }),
  );
  return out.Item ? DeploymentRecord.parse(out.Item) : undefined;
};

const waitForRecord = async (deployId: string, status: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await readRecord(deployId);
    if (record?.status === status) return record;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `deployment ${deployId} is not ${status} after ${timeoutMs} ms\n${t.output.slice(-30).join('\n')}`,
  );
};

const instanceState = async (instanceId: string): Promise<string | undefined> => {
  const { motoEndpoint, region } = t.stack.endpoints;
  const ec2 = new EC2Client(motoClientConfig(motoEndpoint, region));
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
  } finally {
    ec2.destroy();
  }
};

const interrupt = (target: string, printed: string[]): Promise<InterruptResult> =>
  runInterrupt(t.stack.endpoints, target, {
    action: 'terminate',
    userId: LOCAL_USER,
    timeoutMs: 60_000,
    idleMs: 1500,
    follow: true,
    buttons: t.buttons,
    print: (line) => printed.push(line),
  });

describeIfAll('a Spot interruption, end to end on the local stack', () => {
  let deployId = '';
  let instanceId = '';

  beforeAll(async () => {
    t = await startTestStack();
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('ends a --spot deploy TERMINATED spot_interrupted, its instance terminated, with [Redeploy] on its message', async () => {
    // Prepare
    const deployed = await t.slash('/deploy demo-ready --spot', { timeoutMs: 60_000 });
    deployId = deployed.ack.deployId ?? '';
    const ready = await waitForRecord(deployId, 'READY');
    instanceId = ready.instanceId ?? '';
    expect(ready.market).toBe('spot');

    // Act
    const printed: string[] = [];
    const result = await interrupt('demo-ready', printed);

    // Assess
    expect(result.timedOut).toBe(false);
    const record = await waitForRecord(deployId, 'TERMINATED');
    expect(record.history.map((h) => h.note ?? '').join(' ')).toContain('reason=spot_interrupted');
    expect(await instanceState(instanceId)).toMatch(/shutting-down|terminated/);
    expect(printed.join('\n')).toContain('AWS reclaimed the Spot capacity of this environment; it ended');
    expect(result.buttons.map((b) => [b.label, b.actionId, b.value])).toEqual([
      ['Redeploy', 'redeploy', 'demo-ready'],
    ]);
  }, 240_000);

  it('changes nothing more when the same warning comes again', async () => {
    // Prepare
    const before = await readRecord(deployId);

    // Act
    const printed: string[] = [];
    await runInterrupt(t.stack.endpoints, deployId, {
      action: 'terminate',
      userId: LOCAL_USER,
      timeoutMs: 8_000,
      idleMs: 1500,
      follow: true,
      print: (line) => printed.push(line),
    });

    // Assess: no new history entry, and no second message
    expect((await readRecord(deployId))?.history).toEqual(before?.history);
    expect(printed.join('\n')).not.toContain('AWS reclaimed');
  }, 60_000);

  it('pressing [Redeploy] deploys the branch again on on-demand capacity', async () => {
    // Prepare
    const redeploy = t.buttons.load()?.buttons.find((b) => b.actionId === 'redeploy');

    // Act
    const pressed = await t.press(redeploy?.n ?? 0, { timeoutMs: 90_000 });

    // Assess
    expect(pressed.press.status).toBe(200);
    expect(pressed.follow?.finalStatus).toBe('READY');
    const again = await readRecord(pressed.follow?.deployId ?? '');
    expect(again).toMatchObject({
      branch: 'demo-ready',
      capacity: 'on-demand',
      market: 'on-demand',
      status: 'READY',
    });
    expect(again?.deployId).not.toBe(deployId);
  }, 240_000);
});
