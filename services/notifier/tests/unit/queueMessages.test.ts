import { QueuedDeployEnded } from '@branch-envs/shared/events/QueuedDeployEnded';
import { QueuedDeployStarted } from '@branch-envs/shared/events/QueuedDeployStarted';
import { planFor } from '../../src/domain/plan';
import { consumed, FIXTURE_VIEW } from '../helpers/factories';

const NOW = FIXTURE_VIEW.now; // 2026-11-26 09:00:30 UTC, 11:00 in Helsinki
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const epochBefore = (minutes: number) => Math.floor(NOW.getTime() / 1000) - minutes * 60;

const rendered = (event: ReturnType<typeof consumed>) => {
  const plan = planFor(event, FIXTURE_VIEW);
  if (plan.kind === 'logs') throw new Error('a queue event never plans logs');
  return { plan, message: plan.render({}) };
};

describe('what the owner of a queued request is told (ADR 0031)', () => {
  it('says the queued deploy is starting, how long it waited, and that its progress follows', () => {
    // Act
    const { plan, message } = rendered(
      consumed(QueuedDeployStarted, { enqueuedAt: minutesBefore(12), startedAt: NOW.toISOString() }),
    );

    // Assess
    expect(plan).toMatchObject({ kind: 'notice', replaceOriginal: false, skipIfEnded: false });
    expect(message.text).toBe('🚀 Your queued deploy of ABC-123 is starting: a slot freed up.');
    expect(JSON.stringify(message.blocks)).toContain(
      'It waited 12m in the queue. Its progress follows here.',
    );
  });

  it.each([
    ['expired', '⌛ Your queued deploy of ABC-123 was dropped: no slot freed up before its wait ran out at'],
    ['cancelled_nightly', '🌙 Your queued deploy of ABC-123 was cancelled by the nightly shutdown at'],
    ['cancelled_by_user', '🗑️ Your queued deploy of ABC-123 was cancelled at'],
  ] as const)('says why a queued request ended without starting: %s', (reason, headline) => {
    // Act
    const { plan, message } = rendered(
      consumed(QueuedDeployEnded, {
        reason,
        enqueuedAt: minutesBefore(60),
        expiresAt: epochBefore(1),
        endedAt: NOW.toISOString(),
      }),
    );

    // Assess
    expect(plan).toMatchObject({ kind: 'notice', deployId: undefined, replaceOriginal: false });
    expect(message.text.startsWith(headline)).toBe(true);
    expect(JSON.stringify(message.blocks)).toContain('It waited 1h and nothing was launched');
  });

  it('states the real times: when the wait ran out, and when it was cancelled', () => {
    // Act
    const expired = rendered(
      consumed(QueuedDeployEnded, {
        reason: 'expired',
        expiresAt: epochBefore(1),
        endedAt: NOW.toISOString(),
      }),
    ).message.blocks;
    const cancelled = rendered(
      consumed(QueuedDeployEnded, { reason: 'cancelled_nightly', endedAt: minutesBefore(30) }),
    ).message.blocks;

    // Assess: Slack date tokens with the stage's wall clock as their fallback
    expect(JSON.stringify(expired)).toContain(
      `<!date^${epochBefore(1)}^{date_short_pretty} at {time}|10:59 Helsinki today, Thu 26 Nov>`,
    );
    expect(JSON.stringify(cancelled)).toContain(
      `<!date^${epochBefore(30)}^{date_short_pretty} at {time}|10:30 Helsinki today`,
    );
  });

  it('names the admin who cancelled it', () => {
    // Act
    const { message } = rendered(
      consumed(QueuedDeployEnded, { reason: 'cancelled_by_admin', cancelledBy: 'U0ADMIN01' }),
    );

    // Assess
    expect(message.text).toContain('by <@U0ADMIN01> (terminate all).');
  });
});
