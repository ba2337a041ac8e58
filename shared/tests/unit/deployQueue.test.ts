import {
  entriesThatFit,
  expiredOf,
  fairOrder,
  placeOf,
  type QueueEntry,
} from '../../src/deployments/deployQueue';
import { newId } from '../../src/ids';

const entry = (userId: string, minute: number, state: QueueEntry['state'] = 'waiting'): QueueEntry => {
  const at = Date.UTC(2026, 0, 1, 9, minute);
  return {
    entryId: newId(at),
    query: `q-${userId}-${minute}`,
    ttlSeconds: 3600,
    owner: { userId, teamId: 'T0001', userName: userId },
    replyTo: { userId, channelId: 'C0001', issuedAt: new Date(at).toISOString() },
    enqueuedAt: new Date(at).toISOString(),
    expiresAt: Math.floor(at / 1000) + 600,
    state,
  };
};

describe('fair order of the deploy queue', () => {
  it('serves every user first entry, oldest first, before anyone second', () => {
    // Prepare
    const a1 = entry('UAAA', 1);
    const a2 = entry('UAAA', 2);
    const a3 = entry('UAAA', 3);
    const b1 = entry('UBBB', 4);
    const c1 = entry('UCCC', 5);

    // Act
    const order = fairOrder([a3, c1, a1, b1, a2]).map((e) => e.query);

    // Assess
    expect(order).toEqual([a1, b1, c1, a2, a3].map((e) => e.query));
  });

  it('leaves started entries out and counts places from 1', () => {
    // Prepare
    const started = entry('UAAA', 1, 'started');
    const b1 = entry('UBBB', 2);
    const c1 = entry('UCCC', 3);

    // Act / Assess
    expect(placeOf([started, b1, c1], c1.entryId)).toBe(2);
    expect(placeOf([started, b1, c1], started.entryId)).toBeUndefined();
  });
});

describe('entries that fit the freed slots', () => {
  const limits = { maxLivePerUser: 2, maxLiveTotal: 5 };

  it('gives one freed stage slot to the first in fair order only', () => {
    // Prepare
    const a1 = entry('UAAA', 1);
    const b1 = entry('UBBB', 2);

    // Act
    const picked = entriesThatFit([a1, b1], { perUser: new Map(), total: 4 }, limits);

    // Assess
    expect(picked).toEqual([a1]);
  });

  it('passes over a user at their own limit without blocking the users behind them', () => {
    // Prepare
    const a1 = entry('UAAA', 1);
    const b1 = entry('UBBB', 2);

    // Act
    const picked = entriesThatFit([a1, b1], { perUser: new Map([['UAAA', 2]]), total: 2 }, limits);

    // Assess
    expect(picked).toEqual([b1]);
  });

  it('never gives one user more than their limit in one pass', () => {
    // Prepare
    const entries = [entry('UAAA', 1), entry('UAAA', 2), entry('UAAA', 3)];

    // Act
    const picked = entriesThatFit(entries, { perUser: new Map(), total: 0 }, limits);

    // Assess
    expect(picked.map((e) => e.query)).toEqual(['q-UAAA-1', 'q-UAAA-2']);
  });

  it('gives nothing when the stage is full', () => {
    expect(entriesThatFit([entry('UAAA', 1)], { perUser: new Map(), total: 5 }, limits)).toEqual([]);
  });
});

describe('expired queue entries', () => {
  it('are the waiting ones whose time is up', () => {
    // Prepare
    const old = entry('UAAA', 1);
    const fresh = entry('UBBB', 30);

    // Act
    const expired = expiredOf([old, fresh], old.expiresAt);

    // Assess
    expect(expired).toEqual([old]);
  });
});
