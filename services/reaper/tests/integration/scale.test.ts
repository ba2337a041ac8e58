import { CreateTagsCommand, type Instance } from '@aws-sdk/client-ec2';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { newId } from '@branch-envs/shared/ids';
import { settleWithLimit } from '../../src/domain/concurrency';
import { createReconcileHandler, createSweepHandler } from '../../src/handlers/createScheduledHandlers';
import { epoch, recordFor } from '../helpers/factories';
import { createWorld, type World } from '../helpers/world';

/**
 * The scenario: 1,200 instances in moto. 1,000 are tagged and have live records, 400 of
 * them expired; 150 are tagged orphans; 50 are untagged. After one sweep and one reconciliation,
 * exactly the 400 expired and the 150 orphans are terminated, and everything else still runs.
 * EC2 lives in a region of its own: reconciliation lists a whole region.
 */
const REGION = 'sa-east-1';
const MANAGED = { Key: 'ManagedBy', Value: 'branch-envs' };

const isDown = (i: Instance) => ['shutting-down', 'terminated'].includes(i.State?.Name ?? '');
const ids = (instances: Instance[]) => new Set(instances.map((i) => i.InstanceId ?? ''));
const sorted = (values: Iterable<string>) => [...values].sort();

const tagDeployIds = async (world: World, pairs: [string, string][]) => {
  const results = await settleWithLimit(pairs, 8, ([instanceId, deployId]) =>
    world.ec2.send(
      new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'DeployId', Value: deployId }] }),
    ),
  );
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
};

describe('one sweep plus one reconciliation over 1,200 instances (moto)', () => {
  const now = new Date();
  let world: World;
  let expired: DeploymentRecord[];
  let live: DeploymentRecord[];
  let orphanIds: string[];
  let untaggedIds: string[];
  let namingUntagged: { expired: DeploymentRecord[]; live: DeploymentRecord[] };
  let dynamoCommands: string[];

  beforeAll(async () => {
    // Prepare
    world = await createWorld({ region: REGION });
    dynamoCommands = [];
    world.rt.clients.dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        dynamoCommands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const managedIds = await world.launch(1000, [MANAGED]);
    orphanIds = await world.launch(150, [MANAGED]);
    untaggedIds = await world.launch(50, [{ Key: 'Name', Value: 'not ours' }]);

    const lastStep = [{ step: 'ready', at: new Date(now.getTime() - 3_600_000).toISOString() }];
    const records = managedIds.map((instanceId, n) =>
      recordFor(
        { instanceId, history: lastStep, expiresAt: n < 400 ? epoch(now) - 60 : epoch(now) + 4 * 3600 },
        now,
      ),
    );
    expired = records.slice(0, 400);
    live = records.slice(400);
    // Records that name untagged instances: the instances must survive whatever happens to the records.
    namingUntagged = {
      expired: untaggedIds
        .slice(0, 3)
        .map((instanceId) => recordFor({ instanceId, history: lastStep, expiresAt: epoch(now) - 60 }, now)),
      live: untaggedIds.slice(3, 8).map((instanceId) => recordFor({ instanceId, history: lastStep }, now)),
    };
    await world.seed([...records, ...namingUntagged.expired, ...namingUntagged.live]);

    const orphanTags: [string, string][] = orphanIds.flatMap((id, n): [string, string][] => {
      if (n < 100) return [[id, newId()]]; // a valid DeployId with no record
      if (n < 130) return [[id, 'not-a-ulid']];
      return []; // no DeployId tag at all
    });
    await tagDeployIds(world, [
      ...records.map((r): [string, string] => [r.instanceId ?? '', r.deployId]),
      ...orphanTags,
    ]);
  }, 120_000);

  it('terminates exactly the 400 expired and the 150 orphans, and leaves the other 650 running', async () => {
    // Act
    const sweep = await createSweepHandler(world.rt)();
    const reconcile = await createReconcileHandler(world.rt)();
    const instances = await world.instances();

    // Assess
    expect(instances).toHaveLength(1200);
    const down = instances.filter(isDown);
    const up = instances.filter((i) => !isDown(i));
    expect(sorted(ids(down))).toEqual(sorted([...expired.map((r) => r.instanceId ?? ''), ...orphanIds]));
    expect(sorted(ids(up))).toEqual(sorted([...live.map((r) => r.instanceId ?? ''), ...untaggedIds]));
    expect(sweep.expired).toMatchObject({ claimed: 403, closed: 403, instancesTerminated: 400, failed: 0 });
    expect(reconcile).toMatchObject({ managedInstances: 750, orphansTerminated: 150, orphansUnreported: 50 });
    expect(reconcile.instanceGone).toMatchObject({ closed: 5, instancesTerminated: 0 });
  }, 120_000);

  it('closes every record it ended and reports each with its reason', async () => {
    // Act
    const all = [...expired, ...live, ...namingUntagged.expired, ...namingUntagged.live];
    const { found } = await world.rt.deps.deployments.getMany(all.map((r) => r.deployId));
    const statuses = all.map((r) => found.get(r.deployId)?.status);
    const reasons = new Map<string, number>();
    for (const p of world.published.filter((e) => e.detailType === 'InstanceTerminated')) {
      const reason = String(p.detail.data.reason);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }

    // Assess
    expect(statuses.slice(0, 400).every((s) => s === 'TERMINATED')).toBe(true);
    expect(statuses.slice(400, 1000).every((s) => s === 'READY')).toBe(true);
    expect(statuses.slice(1000)).toEqual(Array(8).fill('TERMINATED'));
    expect(Object.fromEntries(reasons)).toEqual({ ttl: 403, orphan: 100, instance_gone: 5 });
    expect(world.telemetry.counts.get('RecordNamesUntaggedInstance')).toBe(3);
  });

  it('reads the table only through keys and indexes, never a Scan', () => {
    // Assess
    expect(dynamoCommands).not.toContain('ScanCommand');
    expect(dynamoCommands).toContain('QueryCommand');
  });
});
