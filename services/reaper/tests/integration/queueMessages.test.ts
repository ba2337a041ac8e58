import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import { QueuedDeployStarted } from '@branch-envs/shared/events/QueuedDeployStarted';
import { causedEventId } from '@branch-envs/shared/publish';
import type { QueuePorts } from '../../src/domain/deployQueue';
import { cancelQueued, runQueue, startedIdOf } from '../../src/domain/deployQueue';
import { ADMIN, epoch, OTHER, OWNER, queueEntryFor, recordFor } from '../helpers/factories';
import { createWorld, type World } from '../helpers/world';

/**
 * What the owner of a queued request is told (ADR 0031): QueuedDeployStarted when a slot is given,
 * QueuedDeployEnded when it expires or the nightly run cancels it, each once per entry; and the
 * queued deploy asks for what the refused one asked for.
 */
describe('the deploy queue tells its users and keeps what they asked for (moto)', () => {
  let world: World;
  let queue: QueuePorts;

  beforeEach(async () => {
    world = await createWorld({ region: 'eu-west-3', quota: { maxLivePerUser: 1, maxLiveTotal: 2 } });
    queue = world.rt.deps.queue as QueuePorts;
  });

  const enqueue = (entries: QueueEntry[]) => queue.store.update(() => ({ entries, result: undefined }));
  const publishedOf = (detailType: string) => world.published.filter((p) => p.detailType === detailType);

  it('tells the owner once that their queued deploy starts, however many runs race for the slot', async () => {
    // Prepare: one of two slots is free and one request waits
    await world.seed([recordFor({ owner: OWNER, ownerId: OWNER.userId })]);
    const entry = queueEntryFor(OTHER, 12);
    await enqueue([entry]);

    // Act
    await Promise.all(Array.from({ length: 4 }, () => runQueue(world.rt.deps, queue)));

    // Assess
    const started = publishedOf('QueuedDeployStarted');
    expect(new Set(started.map((p) => p.detail.metadata.eventId))).toEqual(
      new Set([causedEventId(entry.entryId, QueuedDeployStarted)]),
    );
    expect(started[0]?.detail.data).toMatchObject({
      entryId: entry.entryId,
      deployId: startedIdOf(entry),
      query: 'login-page',
      replyTo: entry.replyTo,
      enqueuedAt: entry.enqueuedAt,
    });
  });

  it('bug: a queued --fresh deploy started without --fresh', async () => {
    // Prepare: the refused request asked for --fresh --spot --no-follow
    const entry = queueEntryFor(OTHER, 3, { fresh: true, capacity: 'spot', follow: false });
    await enqueue([entry]);

    // Act
    await runQueue(world.rt.deps, queue);

    // Assess: the request and its record carry the same choices
    const [requested] = publishedOf('DeployRequested');
    expect(requested?.detail.metadata).toMatchObject({ schemaVersion: 3 });
    expect(requested?.detail.data).toMatchObject({ fresh: true, capacity: 'spot', follow: false });
    expect(await world.item(startedIdOf(entry))).toMatchObject({
      status: 'REQUESTED',
      fresh: true,
      capacity: 'spot',
      follow: false,
    });
  });

  it('starts a plain queued request with none of those choices', async () => {
    // Prepare
    const entry = queueEntryFor(OTHER, 3);
    await enqueue([entry]);

    // Act
    await runQueue(world.rt.deps, queue);

    // Assess
    const data = publishedOf('DeployRequested')[0]?.detail.data ?? {};
    expect(data.fresh).toBe(false);
    expect(data).not.toHaveProperty('capacity');
    expect(data).not.toHaveProperty('follow');
  });

  it('tells the owner when the wait ran out, with the time it ran out, and removes the entry', async () => {
    // Prepare: the stage is full, so the entry can only expire
    await world.seed([
      recordFor({ owner: OWNER, ownerId: OWNER.userId }),
      recordFor({ owner: ADMIN, ownerId: ADMIN.userId }),
    ]);
    const expiresAt = epoch(new Date()) - 30;
    const entry = queueEntryFor(OTHER, 61, { expiresAt });
    await enqueue([entry]);

    // Act
    await runQueue(world.rt.deps, queue);
    await runQueue(world.rt.deps, queue);

    // Assess
    const ended = publishedOf('QueuedDeployEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0]?.detail.metadata.eventId).toBe(causedEventId(entry.entryId, QueuedDeployEnded));
    expect(ended[0]?.detail.data).toMatchObject({ entryId: entry.entryId, reason: 'expired', expiresAt });
    expect((await queue.store.read()).entries).toEqual([]);
    expect(publishedOf('DeployRequested')).toEqual([]);
  });

  it('finishes announcing an end whose run died after marking it, with the same eventId', async () => {
    // Prepare: an entry marked ended whose QueuedDeployEnded was never published
    const entry = queueEntryFor(OTHER, 30, {
      state: 'ended',
      endReason: 'expired',
      endedAt: new Date().toISOString(),
    });
    await enqueue([entry]);

    // Act
    await runQueue(world.rt.deps, queue);

    // Assess
    expect(publishedOf('QueuedDeployEnded').map((p) => p.detail.metadata.eventId)).toEqual([
      causedEventId(entry.entryId, QueuedDeployEnded),
    ]);
    expect((await queue.store.read()).entries).toEqual([]);
  });

  it('tells every waiting owner that the nightly run cancelled their request, and leaves started ones', async () => {
    // Prepare
    const waiting = [queueEntryFor(OWNER, 20), queueEntryFor(OTHER, 10)];
    const started = queueEntryFor(ADMIN, 30);
    const startedAs = startedIdOf(started);
    await enqueue([
      ...waiting,
      { ...started, state: 'started', startedAs, startedAt: new Date().toISOString() },
    ]);

    // Act
    const cancelled = await cancelQueued(world.rt.deps, queue, () => true);

    // Assess
    expect(cancelled.map((e) => e.entryId).sort()).toEqual(waiting.map((e) => e.entryId).sort());
    const ended = publishedOf('QueuedDeployEnded');
    expect(ended.map((p) => p.detail.data.reason)).toEqual(['cancelled_nightly', 'cancelled_nightly']);
    expect(new Set(ended.map((p) => p.detail.data.entryId))).toEqual(new Set(waiting.map((e) => e.entryId)));
    expect((await queue.store.read()).entries.map((e) => e.entryId)).toEqual([started.entryId]);
  });

  it('keeps a started entry holding its slot while its deployment is REQUESTED, and lets go once it is RESOLVED', async () => {
    // Prepare: a started entry whose deployment the index shows as REQUESTED
    const entry = queueEntryFor(OTHER, 5);
    const startedAs = startedIdOf(entry);
    await enqueue([{ ...entry, state: 'started', startedAs, startedAt: new Date().toISOString() }]);
    await world.seed([
      recordFor({ deployId: startedAs, owner: OTHER, ownerId: OTHER.userId, status: 'REQUESTED' }),
    ]);

    // Act
    await runQueue(world.rt.deps, queue);
    const whileRequested = (await queue.store.read()).entries.map((e) => e.state);
    await world.documents.send(
      new PutCommand({
        TableName: world.deploymentsTable,
        Item: recordFor({ deployId: startedAs, owner: OTHER, ownerId: OTHER.userId, status: 'RESOLVED' }),
      }),
    );
    await runQueue(world.rt.deps, queue);

    // Assess
    expect(whileRequested).toEqual(['started']);
    expect((await queue.store.read()).entries).toEqual([]);
  });
});
