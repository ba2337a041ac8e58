import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { serviceExists, startTestStack, type TestStack } from './helpers/localStack';

/**
 * Issue 20 on the local stack: a `--spot` deploy launches on Spot (moto marks the instance), the
 * record keeps the market and the rate from config/local.yml's price table, and the ready message
 * and `/deploy list mine` show what it costs. (The Spot interruption path: spotInterruption.test.ts, ADR 0028.)
 */
const all = ['slack-ingress', 'branch-resolver', 'provisioner', 'notifier', 'reaper'].every(serviceExists);
const describeIfAll = all ? describe : describe.skip;

let t: TestStack;

/** The record as the deployments table holds it, parsed with its schema. */
const waitForRecord = async (deployId: string, status: string, timeoutMs = 60_000) => {
  const documents = DynamoDBDocumentClient.from(t.stack.clients.dynamodb);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = await documents.send(
      new GetCommand({
        TableName: t.stack.endpoints.deploymentsTable,
        Key: { deployId },
        ConsistentRead: true,
      }),
    );
    if (out.Item?.status === status) return DeploymentRecord.parse(out.Item);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`deployment ${deployId} is not ${status} after ${timeoutMs} ms`);
};

describeIfAll('Spot and the cost of an environment, end to end on the local stack', () => {
  beforeAll(async () => {
    t = await startTestStack();
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('launches demo-ready --spot, and the ready message and list show its Spot price', async () => {
    // Act
    const result = await t.slash('/deploy demo-ready --spot', { timeoutMs: 60_000 });
    const deployId = result.ack.deployId ?? '';
    const record = await waitForRecord(deployId, 'READY');

    // Assess: config/local.yml prices t3.medium Spot at $0.0125 + 30 GB gp3: 15 788 µ$/h
    expect(record).toMatchObject({
      capacity: 'spot',
      market: 'spot',
      cost: { market: 'spot', instanceType: 't3.medium', hourlyMicros: 15_788 },
    });
    expect(result.printed.join('\n')).toMatch(/≈ \$0\.016\/h Spot · (< \$0\.01|\$0\.\d\d) so far/);

    // Act
    const list = await t.slash('/deploy list mine', { timeoutMs: 10_000 });

    // Assess
    const text = list.printed.join('\n');
    expect(text).toMatch(/demo-ready.*≈ \$0\.016\/h Spot/);
    expect(text).toMatch(/Your total:.*≈ \$0\.016\/h/);
  });
});
