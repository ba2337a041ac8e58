import { realEnd } from '@branch-envs/shared/lifetime';
import { computeExtension } from '../../src/domain/expiry';
import { epoch, testPolicy } from '../helpers/factories';

/**
 * `overnight` (ADR 0012): until the nightly shutdown of the next calendar day in the schedule's zone,
 * here 19:00 Europe/Helsinki. Each case checks what is stored and what the user is then told.
 */
const policy = testPolicy({ maxLifetimeSeconds: 2 * 86_400 });
const at = (iso: string): Date => new Date(iso);

const keepOvernight = (nowIso: string, hoursLeft = 4) => {
  const now = at(nowIso);
  const record = {
    createdAt: now.toISOString(),
    expiresAt: epoch(now) + hoursLeft * 3600,
    keepOvernight: false,
  };
  const result = computeExtension(record, { kind: 'overnight' }, now, policy);
  return { result, end: realEnd(result, now, policy.nightly) };
};

describe('extend overnight', () => {
  it.each([
    // Thursday 2026-11-26 (winter time, UTC+2): tonight's run is 17:00 UTC, Friday's 17:00 UTC.
    ['before the nightly time (15:00 Helsinki)', '2026-11-26T13:00:00.000Z', true],
    ['at the nightly time (19:00 Helsinki)', '2026-11-26T17:00:00.000Z', false],
    ['after the nightly time (21:00 Helsinki)', '2026-11-26T19:00:00.000Z', false],
  ])('asked %s, ends at Friday’s run, 19:00 Helsinki', (_when, nowIso, sparesTonight) => {
    // Act
    const { result, end } = keepOvernight(nowIso);

    // Assess
    expect(result.expiresAt).toBe(epoch(at('2026-11-27T17:00:00.000Z')));
    expect(result.keepOvernight).toBe(sparesTonight);
    expect(end).toEqual({ at: epoch(at('2026-11-27T17:00:00.000Z')), cause: 'nightly' });
  });

  it('after the nightly time keeps it until tomorrow’s run, not the one after (regression: ~46 h ahead)', () => {
    // Prepare: 21:00 Helsinki, after tonight's 19:00 run; the issue saw the expiry set two runs ahead.
    const { result, end } = keepOvernight('2026-11-26T19:00:00.000Z');

    // Assess: 22 hours, until Friday 19:00 Helsinki.
    expect(result.expiresAt - epoch(at('2026-11-26T19:00:00.000Z'))).toBe(22 * 3600);
    expect(end.at).toBe(result.expiresAt);
  });

  it.each([
    // Saturday 2026-03-28, winter time (UTC+2); Sunday's run is in summer time (UTC+3): 16:00 UTC.
    [
      'before the nightly time, the day before the spring change',
      '2026-03-28T13:00:00.000Z',
      '2026-03-29T16:00:00.000Z',
    ],
    [
      'after the nightly time, the day before the spring change',
      '2026-03-28T19:00:00.000Z',
      '2026-03-29T16:00:00.000Z',
    ],
    // Saturday 2026-10-24, summer time; Sunday's run is in winter time again: 17:00 UTC.
    [
      'before the nightly time, the day before the autumn change',
      '2026-10-24T12:00:00.000Z',
      '2026-10-25T17:00:00.000Z',
    ],
    [
      'after the nightly time, the day before the autumn change',
      '2026-10-24T18:00:00.000Z',
      '2026-10-25T17:00:00.000Z',
    ],
  ])('asked %s, ends at Sunday’s 19:00 Helsinki (%s)', (_when, nowIso, expected) => {
    // Act
    const { result, end } = keepOvernight(nowIso);

    // Assess
    expect(new Date(result.expiresAt * 1000).toISOString()).toBe(expected);
    expect(end).toEqual({ at: result.expiresAt, cause: 'nightly' });
  });

  it('says the capped expiry when the maximum lifetime ends it before tomorrow’s run', () => {
    // Prepare: created 47 h ago, so the cap is one hour from now, before tonight's run.
    const now = at('2026-11-26T13:00:00.000Z');
    const record = {
      createdAt: new Date(now.getTime() - 47 * 3_600_000).toISOString(),
      expiresAt: epoch(now) + 600,
      keepOvernight: false,
    };

    // Act
    const result = computeExtension(record, { kind: 'overnight' }, now, policy);

    // Assess
    expect(result.capped).toBe(true);
    expect(realEnd(result, now, policy.nightly)).toEqual({ at: epoch(now) + 3600, cause: 'ttl' });
  });
});
