import type { HistoryEntry } from '@branch-envs/shared/deployments/table';
import { TerminationReasonV3 as TerminationReason } from '@branch-envs/shared/events/InstanceTerminated.v3';
import type { z } from 'zod';

type Entry = z.infer<typeof HistoryEntry>;

/** The history step the reaper writes when it claims a record; its note says why and for whom. */
export const TERMINATING_STEP = 'terminating';
export const TERMINATED_STEP = 'terminated';
export const EXTENDED_STEP = 'expiry extended';

export interface TerminationNote {
  reason: TerminationReason;
  /** The Slack user who asked (user and admin terminations). */
  by?: string;
  /** The request that caused it, so a re-run of the same request recognises its own work. */
  requestId?: string;
}

/** `reason=user by=U024BE7LH request=01KB…`: readable in `/deploy status`, parseable on resume. */
export const formatNote = ({ reason, by, requestId }: TerminationNote): string =>
  [`reason=${reason}`, by ? `by=${by}` : '', requestId ? `request=${requestId}` : '']
    .filter(Boolean)
    .join(' ');

/** One `key=value` field of a note. */
export const noteField = (note: string | undefined, key: string): string | undefined =>
  note === undefined ? undefined : new RegExp(`(?:^|\\s)${key}=(\\S+)`).exec(note)?.[1];

const field = noteField;

export const parseNote = (note: string | undefined): Partial<TerminationNote> => {
  if (!note) return {};
  const reason = TerminationReason.safeParse(field(note, 'reason'));
  return {
    reason: reason.success ? reason.data : undefined,
    by: field(note, 'by'),
    requestId: field(note, 'request'),
  };
};

/** The note of the most recent entry with `step`. */
export const lastNoteOf = (history: readonly Entry[], step: string): Partial<TerminationNote> => {
  const entry = [...history].reverse().find((h) => h.step === step);
  return parseNote(entry?.note);
};

/** The entry a request left on a record (its id in a note of `step`), if any. */
export const entryOf = (history: readonly Entry[], step: string, requestId: string): Entry | undefined =>
  history.find((h) => h.step === step && noteField(h.note, 'request') === requestId);

/** Whether a request already left its mark on a record. */
export const handledBy = (history: readonly Entry[], step: string, requestId: string): boolean =>
  entryOf(history, step, requestId) !== undefined;

/** When the record last changed, from its history; 0 when it has none. */
export const lastStepAt = (history: readonly Entry[]): number =>
  history.reduce((latest, h) => Math.max(latest, Date.parse(h.at)), 0);
