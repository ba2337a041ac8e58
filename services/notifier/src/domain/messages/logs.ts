import type { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import { context, message, type SlackMessage, section } from '../blocks';
import { code, escapeMrkdwn, mention } from '../text';

type Data = LogsCollected['data'];

/**
 * Up to this much log text goes inline as a code block: a section's text may hold 3,000 characters
 * and escaping (`&`, `<`, `>`) can grow it. Longer logs become a file in the deployment's thread.
 */
export const INLINE_LOG_CHARS = 2_600;

const what = (data: Data): string => (data.kind === 'app' ? "the app's journal" : 'the boot log');

/** The last `max` characters of a log, from a line start, escaped for a code block. */
const fromLineStart = (tail: string): string =>
  tail.includes('\n') ? tail.slice(tail.indexOf('\n') + 1) : tail;

/** Escaping (`<` → `&lt;`) may grow the text; the block must stay within a section's 3,000. */
const MAX_ESCAPED = 2_900;

const tailBlock = (text: string, max: number): { block: string; cut: boolean } => {
  const trimmed = text.replace(/\n+$/, '');
  let cut = trimmed.length > max;
  const kept = cut ? fromLineStart(trimmed.slice(-max)) : trimmed;
  let safe = escapeMrkdwn(kept.replaceAll('```', "'''"));
  if (safe.length > MAX_ESCAPED) {
    cut = true;
    safe = fromLineStart(safe.slice(-MAX_ESCAPED));
  }
  return { block: `\`\`\`${safe || ' '}\`\`\``, cut };
};

/** The line that introduces a log, as a message or as a file's comment. */
export const logsIntro = (data: Data): string => {
  const subject = `${what(data)} of ${data.branch ? code(data.branch) : 'the environment'} (deploy ${code(data.deployId)})`;
  if (data.outcome.status === 'unavailable')
    return `:warning: No logs from ${subject} for ${mention(data.requestedBy.userId)}: ${escapeMrkdwn(data.outcome.message)}`;
  const redacted =
    data.outcome.redactions === 0
      ? 'nothing needed redacting'
      : `${data.outcome.redactions} secret${data.outcome.redactions === 1 ? '' : 's'} redacted`;
  return `:scroll: The last ${data.lines} lines of ${subject}, for ${mention(data.requestedBy.userId)}; ${redacted}.`;
};

const notesOf = (data: Data): string[] =>
  data.outcome.status === 'collected' ? data.outcome.notes.map((n) => escapeMrkdwn(n)) : [];

/** Whether the log fits a message, or goes as a file where a file can go. */
export const fitsInline = (data: Data): boolean =>
  data.outcome.status !== 'collected' || data.outcome.text.length <= INLINE_LOG_CHARS;

/**
 * The log as one message: the intro, the notes and the log's end as a code block. When the log is
 * longer than a message holds, the note says so truly: only its end is shown here.
 */
export const logsMessage = (data: Data): SlackMessage => {
  const intro = logsIntro(data);
  if (data.outcome.status === 'unavailable') return message(intro, [section(intro)]);
  const { block, cut } = tailBlock(data.outcome.text, INLINE_LOG_CHARS);
  const notes = [
    ...notesOf(data),
    ...(cut
      ? [
          `Only the end fits in a message; the whole log (${data.outcome.text.length.toLocaleString('en-US')} characters) is posted as a file in the deployment's thread when it has one.`,
        ]
      : []),
  ];
  return message(intro, [section(intro), ...(notes.length > 0 ? [context(...notes)] : []), section(block)]);
};

/** The file a long log becomes: its text whole, named after the deployment and the kind. */
export const logsFile = (data: Data) => ({
  filename: `${data.deployId}-${data.kind}.log`,
  title: `${data.kind === 'app' ? 'App journal' : 'Boot log'} of ${data.branch ?? data.deployId}`,
  content: data.outcome.status === 'collected' ? data.outcome.text : '',
  comment: [logsIntro(data), ...notesOf(data)].join('\n'),
});
