import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { QueuePorts } from '../../src/domain/deployQueue';
import { cancelQueued, runQueue, startedIdOf } from '../../src/domain/deployQueue';
import { ADMIN, queueEntryFor as entryFor, epoch, OTHER, OWNER, recordFor } from '../helpers/factories';
import { createWorld, type World } from '../helpers/world';

const REGION = 'eu-west-3';
const THIRD = { userId: 'U0THIRD01', teamId: 'T0001ABCD', userName: 'third' };

describe('the deploy queue run by the reaper (moto)', () => {
  let world: World;
  let queue: QueuePorts;

  beforeEach(async () => {
    world = await createWorld({ region: REGION, quota: { maxLivePerUser: 1, maxLiveTotal: 2 } });
    queue = world.rt.deps.queue as QueuePorts;
  });

  const enqueue = (entries: QueueEntry[]) => queue.store.update(() => ({ entries, result: undefined }));
  const requested = () => world.published.filter((p) => p.detailType === 'DeployRequested');

  it('gives one freed slot to one queued request however many runs race for it', async () => {
    // Prepare: one of two stage slots is taken, three users wait
    await world.seed([recordFor({ owner: OWNER, ownerId: OWNER.userId })]);
    const first = entryFor(OTHER, 30);
    const behind = [entryFor(ADMIN, 20), entryFor(THIRD, 10)];
    await enqueue([...behind, first]);

    // Act
    await Promise.all(Array.from({ length: 6 }, () => runQueue(world.rt.deps, queue)));

    // Assess
    const { entries } = await queue.store.read();
    // A started entry leaves the queue once the status index shows its deployment.
    expect(entries.filter((e) => e.state === 'waiting').map((e) => e.entryId)).toEqual(
      behind.map((e) => e.entryId),
    );
    expect(new Set(requested().map((p) => p.detail.data.deployId))).toEqual(new Set([startedIdOf(first)]));
    expect(new Set(requested().map((p) => p.detail.metadata.eventId)).size).toBe(1);
    expect(await world.item(startedIdOf(first))).toMatchObject({
      status: 'REQUESTED',
      ownerId: OTHER.userId,
    });
  });

  it('starts nothing more on the next run while the started request holds its slot', async () => {
    // Prepare
    await world.seed([recordFor({ owner: OWNER, ownerId: OWNER.userId })]);
    await enqueue([entryFor(OTHER, 30), entryFor(THIRD, 10)]);
    await runQueue(world.rt.deps, queue);

    // Act
    const again = await runQueue(world.rt.deps, queue);

    // Assess
    expect(again.started).toEqual([]);
    expect(new Set(requested().map((p) => p.detail.data.deployId)).size).toBe(1);
  });

  it('passes over a user at their own limit and serves the user behind them', async () => {
    // Prepare: OWNER has their one environment; the stage has room
    await world.seed([recordFor({ owner: OWNER, ownerId: OWNER.userId })]);
    const mine = entryFor(OWNER, 30);
    const theirs = entryFor(OTHER, 10);
    await enqueue([mine, theirs]);

    // Act
    const run = await runQueue(world.rt.deps, queue);

    // Assess
    expect(run.started.map((e) => e.entryId)).toEqual([theirs.entryId]);
    expect((await queue.store.read()).entries.find((e) => e.entryId === mine.entryId)?.state).toBe('waiting');
  });

  it('drops a request whose wait is over and launches nothing for it', async () => {
    // Prepare: the stage is full, so only the expiry can happen
    await world.seed([
      recordFor({ owner: OWNER, ownerId: OWNER.userId }),
      recordFor({ owner: ADMIN, ownerId: ADMIN.userId }),
    ]);
    const stale = entryFor(OTHER, 90, { expiresAt: epoch(new Date()) - 1 });
    await enqueue([stale]);

    // Act
    const run = await runQueue(world.rt.deps, queue);

    // Assess
    expect(run.expired.map((e) => e.entryId)).toEqual([stale.entryId]);
    expect((await queue.store.read()).entries).toEqual([]);
    expect(requested()).toEqual([]);
  });

  it('finishes the start of a request whose run died after giving it the slot', async () => {
    // Prepare: an entry marked started whose record was never written
    const orphan = entryFor(OTHER, 5);
    const startedAs = startedIdOf(orphan);
    await enqueue([{ ...orphan, state: 'started', startedAs, startedAt: new Date().toISOString() }]);

    // Act
    await runQueue(world.rt.deps, queue);

    // Assess
    expect(await world.item(startedAs)).toMatchObject({ status: 'REQUESTED' });
    expect(requested().map((p) => p.detail.data.deployId)).toEqual([startedAs]);
  });

  it('cancels only the waiting requests that match', async () => {
    // Prepare
    const mine = entryFor(OWNER, 5);
    const theirs = entryFor(OTHER, 4);
    await enqueue([mine, theirs]);

    // Act
    const cancelled = await cancelQueued(world.rt.deps, queue, (e) => e.owner.userId === OWNER.userId);

    // Assess
    expect(cancelled.map((e) => e.entryId)).toEqual([mine.entryId]);
    expect((await queue.store.read()).entries.map((e) => e.entryId)).toEqual([theirs.entryId]);
  });
});
