import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { motoConfig } from '../../../tests/helpers/aws';
import { createPlatformTable } from '../../../tests/helpers/tables';
import { claimKey, createBranchClaims } from '../../src/deployments/branchClaims';
import { newId } from '../../src/ids';

const dynamo = new DynamoDBClient(motoConfig());
const documents = DynamoDBDocumentClient.from(dynamo);

describe('branch claims (moto)', () => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await createPlatformTable(dynamo, 'DeploymentsTable');
  });

  const claims = () => createBranchClaims({ client: documents, tableName });
  const alive = async () => true;
  const holderOf = async (branch: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { deployId: claimKey(branch) } })))
      .Item;

  it('gives a free branch to the first claimant and again to the same deployment on a redelivery', async () => {
    // Prepare
    const deployId = newId();

    // Act
    const first = await claims().claim('feature/free', deployId, alive);
    const again = await claims().claim('feature/free', deployId, alive);

    // Assess
    expect(first).toEqual({ claimed: true });
    expect(again).toEqual({ claimed: true });
    expect(await holderOf('feature/free')).toMatchObject({ kind: 'claim', holder: deployId });
  });

  it('refuses a second deployment while the holder is live, naming the holder', async () => {
    // Prepare
    const holder = newId();
    await claims().claim('feature/busy', holder, alive);

    // Act
    const second = await claims().claim('feature/busy', newId(), alive);

    // Assess
    expect(second).toEqual({ claimed: false, holder });
  });

  it('hands the branch over when its holder has ended, without anyone releasing it', async () => {
    // Prepare
    const ended = newId();
    await claims().claim('feature/ended', ended, alive);
    const next = newId();

    // Act
    const outcome = await claims().claim('feature/ended', next, async (holder) => holder !== ended);

    // Assess
    expect(outcome).toEqual({ claimed: true });
    expect(await holderOf('feature/ended')).toMatchObject({ holder: next });
  });

  it('lets exactly one of eight concurrent claimants win a free branch', async () => {
    // Prepare
    const ids = Array.from({ length: 8 }, () => newId());

    // Act
    const outcomes = await Promise.all(ids.map((id) => claims().claim('feature/race', id, alive)));

    // Assess
    const winners = ids.filter((_, i) => outcomes[i]?.claimed);
    expect(winners).toHaveLength(1);
    expect(await holderOf('feature/race')).toMatchObject({ holder: winners[0] });
    for (const outcome of outcomes) if (!outcome.claimed) expect(outcome.holder).toBe(winners[0]);
  });

  it('lets exactly one of eight concurrent claimants take over from an ended holder', async () => {
    // Prepare
    const ended = newId();
    await claims().claim('feature/takeover', ended, alive);
    const ids = Array.from({ length: 8 }, () => newId());
    const liveUnlessEnded = async (holder: string) => holder !== ended;

    // Act
    const outcomes = await Promise.all(
      ids.map((id) => claims().claim('feature/takeover', id, liveUnlessEnded)),
    );

    // Assess
    expect(outcomes.filter((o) => o.claimed)).toHaveLength(1);
  });

  it('keeps the claim out of every index: it carries no status, owner or branch attribute', async () => {
    // Act
    await claims().claim('feature/indexless', newId(), alive);

    // Assess
    const item = await holderOf('feature/indexless');
    expect(Object.keys(item ?? {}).sort()).toEqual(['claimedAt', 'deployId', 'holder', 'kind', 'ttl']);
  });
});
