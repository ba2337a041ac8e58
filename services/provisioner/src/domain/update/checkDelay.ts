/**
 * When check `attempt` runs after the one before (the first after the send): 1, 2, 4, 8 … seconds,
 * capped at the check interval. A quick update is seen ended within a second or two instead of a
 * whole interval; a long one costs a few more GetCommandInvocation calls, never a later verdict.
 */
export const checkDelaySeconds = (attempt: number, intervalSeconds: number): number =>
  Math.min(intervalSeconds, 2 ** Math.max(0, attempt - 1));
