/**
 * Whether a reply can have follow-ups, decided from the reply itself: ingress acknowledges a request it
 * published by naming its id, and answers everything else (help, list, status, refusals, mistakes,
 * errors) at once and for good. The registry tells the two kinds of ids apart: a `/deploy` is born
 * with a record whose `replyTo.responseUrl` is this conversation's (ADR 0009); a terminate or extend
 * names a request id that no record has.
 */

/** What the CLI waits for after a reply. */
export type Followable =
  /** A deploy this conversation started: follow it until its record is final. */
  | { kind: 'deploy'; deployId: string }
  /** A terminate or extend was published: follow until its answer has come and the talk goes quiet. */
  | { kind: 'request' }
  /** Answered for good: nothing more will come. */
  | { kind: 'none' };

/** The record's `replyTo.responseUrl`, `{}` for a record without one, undefined when there is no record. */
export type RecordLookup = (id: string) => Promise<{ responseUrl?: string } | undefined>;

/** ULIDs (Crockford base32, 26 characters): deploy ids and request ids alike. */
const ULIDS = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;

export const idsIn = (payload: unknown): string[] => [
  ...new Set(JSON.stringify(payload ?? '').match(ULIDS) ?? []),
];

export const classifyReply = async (
  payload: unknown,
  responseUrl: string,
  lookup: RecordLookup,
): Promise<Followable> => {
  const ids = idsIn(payload);
  if (ids.length === 0) return { kind: 'none' };
  const records = await Promise.all(ids.map(async (id) => ({ id, record: await lookup(id) })));
  const opened = records.find(({ record }) => record?.responseUrl === responseUrl);
  if (opened) return { kind: 'deploy', deployId: opened.id };
  if (records.some(({ record }) => record === undefined)) return { kind: 'request' };
  return { kind: 'none' };
};
