/** One step in a record's history, as a write appends it. */
export interface HistoryStep {
  step: string;
  note?: string;
  at?: Date;
}

/**
 * The SET clause that appends one history entry, with its placeholders. Every write that changes
 * what a deployment is doing appends one, so `/deploy status` can tell the story.
 */
export const appendHistory = ({ step, note, at = new Date() }: HistoryStep) => ({
  clause: '#history = list_append(if_not_exists(#history, :empty), :entry)',
  names: { '#history': 'history' },
  values: { ':entry': [{ step, at: at.toISOString(), ...(note ? { note } : {}) }], ':empty': [] },
});
