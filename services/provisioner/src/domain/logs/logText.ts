import { MAX_LOG_TEXT } from '@branch-envs/shared/events/LogsCollected';

/**
 * The end of a log within `max` characters, cut at a line start, with a true note of what was cut.
 * Logs are read from the end: the newest lines are the ones that explain a failure.
 */
export const tailWithin = (text: string, max = MAX_LOG_TEXT): { text: string; note?: string } => {
  if (text.length <= max) return { text };
  const tail = text.slice(text.length - max);
  const lineStart = tail.indexOf('\n');
  const kept = lineStart >= 0 && lineStart < tail.length - 1 ? tail.slice(lineStart + 1) : tail;
  return {
    text: kept,
    note: `Only the last ${kept.length.toLocaleString('en-US')} characters are shown; ${(text.length - kept.length).toLocaleString('en-US')} earlier characters were cut.`,
  };
};

/** The last `lines` lines of a text (the console output has no line limit of its own). */
export const lastLines = (text: string, lines: number): string => {
  const all = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  return `${all.slice(-lines).join('\n')}\n`;
};
