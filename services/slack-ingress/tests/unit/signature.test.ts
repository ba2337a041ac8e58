import { checkSlackSignature, MAX_CLOCK_SKEW_SECONDS, slackSignature } from '../../src/domain/signature';

// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
    'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
    'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
    'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = Number(VECTOR.timestamp);

const check = (overrides: Partial<{ timestamp: string; signature: string; body: string }>, now = at) =>
  checkSlackSignature(
    {
      timestamp: 'timestamp' in overrides ? overrides.timestamp : VECTOR.timestamp,
      signature: 'signature' in overrides ? overrides.signature : VECTOR.signature,
      rawBody: Buffer.from(overrides.body ?? VECTOR.body),
    },
    VECTOR.secret,
    now,
  );

describe('slackSignature', () => {
  it("computes Slack's documented test vector", () => {
    // Act
    const signature = slackSignature(VECTOR.secret, VECTOR.timestamp, VECTOR.body);

    // Assess
    expect(signature).toBe(VECTOR.signature);
  });

  it('signs bytes and text alike', () => {
    // Act + Assess
    expect(slackSignature(VECTOR.secret, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.signature);
  });
});

describe('checkSlackSignature', () => {
  it('accepts the documented request at its own time', () => {
    // Act + Assess
    expect(check({})).toBe('valid');
  });

  it.each([
    ['at the edge of the window, in the past', at + MAX_CLOCK_SKEW_SECONDS, 'valid'],
    ['at the edge of the window, in the future', at - MAX_CLOCK_SKEW_SECONDS, 'valid'],
    ['one second too old', at + MAX_CLOCK_SKEW_SECONDS + 1, 'stale'],
    ['one second too far in the future', at - MAX_CLOCK_SKEW_SECONDS - 1, 'stale'],
    ['replayed a day later', at + 86_400, 'stale'],
  ])('judges a request %s', (_case, now, expected) => {
    // Act + Assess
    expect(check({}, now)).toBe(expected);
  });

  it.each<[string, Partial<{ timestamp: string; signature: string; body: string }>, string]>([
    ['a body altered after signing', { body: VECTOR.body.replace('text=', 'text=all') }, 'mismatch'],
    ['a body with a field appended', { body: `${VECTOR.body}&user_id=U0ADMIN1` }, 'mismatch'],
    ['a timestamp other than the signed one', { timestamp: String(at + 1) }, 'mismatch'],
    ['a signature of zeros', { signature: `v0=${'0'.repeat(64)}` }, 'mismatch'],
    ['a signature under another version', { signature: VECTOR.signature.replace('v0=', 'v1=') }, 'malformed'],
    [
      'a signature in upper-case hex',
      { signature: `v0=${VECTOR.signature.slice(3).toUpperCase()}` },
      'malformed',
    ],
    ['a truncated signature', { signature: VECTOR.signature.slice(0, -1) }, 'malformed'],
    ['a signature with extra characters', { signature: `${VECTOR.signature}00` }, 'malformed'],
    ['an empty signature', { signature: '' }, 'malformed'],
    ['a non-numeric timestamp', { timestamp: 'yesterday' }, 'malformed'],
    ['a fractional timestamp', { timestamp: `${VECTOR.timestamp}.5` }, 'malformed'],
    ['a negative timestamp', { timestamp: '-1531420618' }, 'malformed'],
    ['a timestamp too long to be real', { timestamp: '9'.repeat(20) }, 'malformed'],
  ])('refuses %s', (_case, overrides, expected) => {
    // Act + Assess
    expect(check(overrides)).toBe(expected);
  });

  it.each([
    ['signature', { signature: undefined }],
    ['timestamp', { timestamp: undefined }],
  ])('refuses a request without a %s', (_case, overrides) => {
    // Act + Assess
    expect(check(overrides as Partial<{ timestamp: string; signature: string }>)).toBe('missing');
  });

  it('refuses a request signed with another secret', () => {
    // Prepare
    const signature = slackSignature('another-secret', VECTOR.timestamp, VECTOR.body);

    // Act + Assess
    expect(check({ signature })).toBe('mismatch');
  });
});
