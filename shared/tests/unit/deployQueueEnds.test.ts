import {
  endedEventData,
  endedOf,
  markEnded,
  placeOf,
  type QueueEntry,
  withoutAnnounced,
} from '../../src/deployments/deployQueue';
import { QueuedDeployEnded } from '../../src/events/QueuedDeployEnded';
import { newId } from '../../src/ids';

const entry = (userId: string, minute: number): QueueEntry => {
  const at = Date.UTC(2026, 0, 1, 9, minute);
  return {
    entryId: newId(at),
    query: `q-${userId}-${minute}`,
    ttlSeconds: 3600,
    owner: { userId, teamId: 'T0001', userName: userId },
    replyTo: { userId, channelId: 'C0001', issuedAt: new Date(at).toISOString() },
    enqueuedAt: new Date(at).toISOString(),
    expiresAt: Math.floor(at / 1000) + 600,
    state: 'waiting',
  };
};

const AT = new Date('2026-01-01T10:00:00.000Z');

describe('ending queued requests (ADR 0031)', () => {
  it('marks only the given entries ended, with why, when and by whom, and they stop holding a place', () => {
    // Prepare
    const [a, b] = [entry('UAAA', 1), entry('UBBB', 2)];
    const entries = [a, b].flatMap((e) => (e ? [e] : []));

    // Act
    const next = markEnded(entries, [a as QueueEntry], () => ({
      reason: 'cancelled_by_admin',
      at: AT,
      by: 'UADMIN',
    }));

    // Assess
    expect(next[0]).toMatchObject({
      state: 'ended',
      endReason: 'cancelled_by_admin',
      endedAt: AT.toISOString(),
      cancelledBy: 'UADMIN',
    });
    expect(next[1]).toBe(b);
    expect(placeOf(next, a?.entryId ?? '')).toBeUndefined();
    expect(placeOf(next, b?.entryId ?? '')).toBe(1);
  });

  it('removes only announced entries that are still ended', () => {
    // Prepare
    const [a, b] = [entry('UAAA', 1), entry('UBBB', 2)] as [QueueEntry, QueueEntry];
    const ended = markEnded([a, b], [a, b], () => ({ reason: 'expired', at: AT }));

    // Act
    const left = withoutAnnounced([ended[0] as QueueEntry, b], endedOf(ended));

    // Assess: b was not ended in this version of the queue, so it stays
    expect(left).toEqual([b]);
  });

  it('gives QueuedDeployEnded data the contract accepts', () => {
    // Prepare
    const waiting = entry('U0AAA', 1);
    const [ended] = markEnded([waiting], [waiting], () => ({ reason: 'expired', at: AT }));

    // Act
    const data = endedEventData(ended as QueueEntry);

    // Assess
    expect(QueuedDeployEnded.data.safeParse(data).success).toBe(true);
    expect(data).toMatchObject({ reason: 'expired', endedAt: AT.toISOString() });
    expect(data).not.toHaveProperty('cancelledBy');
  });
});
