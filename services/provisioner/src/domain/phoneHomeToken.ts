import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The one-time credential of a phone-home (ADR 0005). Each deployment gets 32 fresh random bytes,
 * written only into its own instance's user data; the record keeps their SHA-256. A leaked table
 * therefore gives no token, one instance's token reports only for that deployment, and there is no
 * shared secret to provision, rotate or leak.
 */
export const newPhoneHomeToken = (): string => randomBytes(32).toString('base64url');

export const tokenSha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Constant-time: both sides are hashed first, so length and content leak nothing through timing. */
export const tokenMatches = (presented: string, expectedSha256: string): boolean => {
  const actual = createHash('sha256').update(presented).digest();
  const expected = Buffer.from(expectedSha256, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
};
