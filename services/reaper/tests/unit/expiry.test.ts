import { computeExtension } from '../../src/domain/expiry';
import { epoch, testPolicy } from '../helpers/factories';

const policy = testPolicy({ maxLifetimeSeconds: 2 * 86_400 });
const hours = (n: number): number => n * 3600;

describe('computeExtension', () => {
  // Thursday 2026-11-26, 12:00 in Helsinki (UTC+2); tonight's run is 17:00 UTC.
  const now = new Date('2026-11-26T10:00:00.000Z');
  const created = new Date('2026-11-26T09:00:00.000Z');
  const base = { createdAt: created.toISOString(), expiresAt: epoch(now) + hours(2), keepOvernight: false };

  it('pushes the expiry out by the requested duration', () => {
    // Act
    const result = computeExtension(base, { kind: 'duration', seconds: hours(3) }, now, policy);

    // Assess
    expect(result).toEqual({ expiresAt: base.expiresAt + hours(3), keepOvernight: false, capped: false });
  });

  it('caps the new expiry at createdAt plus the maximum lifetime, and says so', () => {
    // Act
    const result = computeExtension(base, { kind: 'duration', seconds: hours(100) }, now, policy);

    // Assess
    expect(result.expiresAt).toBe(epoch(created) + policy.maxLifetimeSeconds);
    expect(result.capped).toBe(true);
  });

  it('counts the cap from creation, so repeated extends cannot keep an environment alive for ever', () => {
    // Prepare: created two days ago, already at the cap.
    const old = {
      ...base,
      createdAt: new Date(now.getTime() - 2 * 86_400_000).toISOString(),
      expiresAt: epoch(now) + 60,
    };

    // Act
    const result = computeExtension(old, { kind: 'duration', seconds: hours(1) }, now, policy);

    // Assess
    expect(result.expiresAt).toBe(old.expiresAt);
    expect(result.capped).toBe(true);
  });

  it('extends from now when the expiry has already passed', () => {
    // Prepare
    const due = { ...base, expiresAt: epoch(now) - 30 };

    // Act
    const result = computeExtension(due, { kind: 'duration', seconds: hours(1) }, now, policy);

    // Assess
    expect(result.expiresAt).toBe(epoch(now) + hours(1));
  });

  it('keeps an environment overnight by flagging it and moving an expiry that falls before tonight’s run', () => {
    // Act
    const result = computeExtension(base, { kind: 'overnight' }, now, policy);

    // Assess: to tomorrow's run, Friday 19:00 Helsinki = 17:00 UTC.
    expect(result).toEqual({
      expiresAt: epoch(new Date('2026-11-27T17:00:00.000Z')),
      keepOvernight: true,
      capped: false,
    });
  });

  it('moves an expiry between tonight’s and tomorrow’s runs out to tomorrow’s run when keeping overnight', () => {
    // Prepare
    const late = { ...base, expiresAt: epoch(new Date('2026-11-27T08:00:00.000Z')) };

    // Act
    const result = computeExtension(late, { kind: 'overnight' }, now, policy);

    // Assess
    expect(result).toEqual({
      expiresAt: epoch(new Date('2026-11-27T17:00:00.000Z')),
      keepOvernight: true,
      capped: false,
    });
  });

  it('caps a keep-overnight move too', () => {
    // Act
    const result = computeExtension(
      base,
      { kind: 'overnight' },
      now,
      testPolicy({ maxLifetimeSeconds: hours(12) }),
    );

    // Assess
    expect(result.expiresAt).toBe(epoch(created) + hours(12));
    expect(result.capped).toBe(true);
  });
});
