import { createHash } from 'node:crypto';
import { decodeTime, encodeTime, ulid } from 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh ULID for the first event of a conversation (a slash command, a schedule firing). */
export const newId = (now: number = Date.now()): string => ulid(now);

/**
 * A ULID that is the same every time the same cause produces the same event. A handler that is retried
 * after publishing (a crash, a redelivery) then re-publishes with the same `eventId`, and consumers'
 * idempotency on `metadata.eventId` drops the copy. The time part is the cause's, so ids still sort.
 */
export const derivedId = (causeEventId: string, ...parts: readonly string[]): string => {
  const timePart = causeEventId.slice(0, 10);
  decodeTime(causeEventId); // throws on a malformed cause rather than minting a bad id
  const digest = createHash('sha256')
    .update([causeEventId, ...parts].join('\u0000'))
    .digest();
  let random = '';
  for (let i = 0; i < 16; i += 1) {
    random += CROCKFORD[(digest[i] ?? 0) % 32];
  }
  return timePart + random;
};

/**
 * A ULID standing for an outside event that has its own id but no ULID (Slack's `event_id`): the
 * same inputs always give the same id, whose time part is the outside event's time. Publishing with
 * it as the cause makes a retried delivery of that event publish the same eventId (ADR 0023).
 */
export const externalCauseId = (atMs: number, ...parts: readonly string[]): string =>
  derivedId(`${encodeTime(Math.max(0, Math.floor(atMs)), 10)}${'0'.repeat(16)}`, 'external', ...parts);
