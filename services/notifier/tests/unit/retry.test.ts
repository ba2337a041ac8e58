import { parseRetryAfter, retryDecision } from '../../src/domain/retry';

const now = new Date('2026-11-26T09:00:00.000Z');

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    // Act + Assess
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('retry decision on a 429', () => {
  it('waits for Retry-After while the invocation has time for it', () => {
    // Act
    const decision = retryDecision({ retryAfter: '2', attempt: 1, remainingMs: 25_000, now });

    // Assess
    expect(decision).toEqual({ retry: true, delayMs: 2000 });
  });

  it('waits a second when Slack gives no Retry-After', () => {
    // Act + Assess
    expect(retryDecision({ retryAfter: null, attempt: 1, remainingMs: 25_000, now })).toEqual({
      retry: true,
      delayMs: 1000,
    });
  });

  it('hands the record back to SQS when the wait would outlast the invocation', () => {
    // Act
    const decision = retryDecision({ retryAfter: '30', attempt: 1, remainingMs: 25_000, now });

    // Assess
    expect(decision).toEqual({ retry: false, retryAfterSeconds: 30 });
  });

  it('stops after a bounded number of attempts', () => {
    // Act
    const decision = retryDecision({ retryAfter: '1', attempt: 4, remainingMs: 25_000, now });

    // Assess
    expect(decision.retry).toBe(false);
  });
});
