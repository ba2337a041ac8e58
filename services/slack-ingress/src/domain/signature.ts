import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses to replay older requests than this, and so do we (docs/architecture.md §7). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'stale' | 'mismatch';

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`, epoch seconds as text. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`, `v0=<64 hex>`. */
  signature: string | undefined;
  /** The body exactly as Slack sent it, before any form parsing. */
  rawBody: Buffer;
}

/** `v0=` + hex HMAC-SHA256 over `v0:<timestamp>:<raw body>`, keyed by the signing secret. */
export const slackSignature = (secret: string, timestamp: string, rawBody: Buffer | string): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * Slack's v0 request signing. The comparison is constant time over equal-length buffers (the format
 * check fixes the length, so nothing about the expected value leaks through timing). The result
 * names the failure for logs only; callers answer every failure with the same bare 401.
 */
export const checkSlackSignature = (
  request: SignedRequest,
  secret: string,
  nowSeconds: number,
): SignatureCheck => {
  const { timestamp, signature, rawBody } = request;
  if (timestamp === undefined || signature === undefined) return 'missing';
  if (!TIMESTAMP.test(timestamp) || !SIGNATURE.test(signature)) return 'malformed';
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return 'stale';
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
};
