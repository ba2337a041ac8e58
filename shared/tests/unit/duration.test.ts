import { capDuration, formatDuration, parseCompoundDuration, parseDuration } from '../../src/duration';

describe('durations as users type them', () => {
  it.each<[string, number | undefined]>([
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86_400],
    ['2H', 7200],
    [' 4h ', 14_400],
    ['0m', undefined],
    ['2', undefined],
    ['h', undefined],
    ['2w', undefined],
    ['1.5h', undefined],
    ['123456h', undefined],
  ])('parses %j as %p seconds', (text, seconds) => {
    // Act + Assess
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each<[number, string]>([
    [0, '0m'],
    [59, '0m'],
    [1800, '30m'],
    [5400, '1h 30m'],
    [14_400, '4h'],
    [172_800, '2d'],
    [90_061, '1d 1h 1m'],
  ])('formats %p seconds as %j', (seconds, text) => {
    // Act + Assess
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('configured durations', () => {
  it.each<[string, number | undefined]>([
    ['30m', 1800],
    ['4h', 14_400],
    ['2d', 172_800],
    ['1h30m', 5400],
    ['90s', 90],
    [' 1D2H ', 93_600],
    ['0m', undefined],
    ['1h 30m', undefined],
    ['30', undefined],
    ['1.5h', undefined],
    ['', undefined],
  ])('parses %j as %p seconds', (text, seconds) => {
    // Act + Assess
    expect(parseCompoundDuration(text)).toBe(seconds);
  });

  it('accepts every duration a user may type', () => {
    // Act
    const disagreements = ['30m', '2h', '1d', '2H', ' 4h ', '99999m'].filter(
      (text) => parseCompoundDuration(text) !== parseDuration(text),
    );

    // Assess
    expect(disagreements).toEqual([]);
  });
});

describe('formatting durations', () => {
  it.each<[number, string]>([
    [0, '0m'],
    [1, '1m'],
    [59, '1m'],
    [60, '1m'],
    [899, '15m'],
    [5401, '1h 31m'],
  ])('rounds a countdown of %p seconds up to %j', (seconds, text) => {
    // Act + Assess
    expect(formatDuration(seconds, { round: 'up' })).toBe(text);
  });

  it('formats a negative duration as 0m', () => {
    // Act + Assess
    expect([formatDuration(-30), formatDuration(-30, { round: 'up' })]).toEqual(['0m', '0m']);
  });

  it('reads back what it writes, for whole units', () => {
    // Act
    const roundTrips = [1800, 14_400, 172_800].map((seconds) => parseDuration(formatDuration(seconds)));

    // Assess
    expect(roundTrips).toEqual([1800, 14_400, 172_800]);
  });
});

describe('capDuration', () => {
  it('caps a request above the maximum and says so', () => {
    // Act + Assess
    expect([capDuration(3 * 86_400, 2 * 86_400), capDuration(3600, 2 * 86_400)]).toEqual([
      { seconds: 2 * 86_400, capped: true },
      { seconds: 3600, capped: false },
    ]);
  });
});
