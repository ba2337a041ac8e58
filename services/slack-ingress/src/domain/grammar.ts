import {
  type DeployQuery,
  MAX_QUERY_LENGTH,
  parseDeployQuery,
  type QueryProblem,
} from '@branch-envs/shared/deployQuery';
import { capDuration, formatDuration, parseDuration } from '@branch-envs/shared/duration';
import { LOG_LINES, type LogKind } from '@branch-envs/shared/events/LogsRequested';
import type { TerminateTarget } from '@branch-envs/shared/events/TerminateRequested';
import { code, describeCharacter } from './text';

/**
 * The command grammar of docs/architecture.md §1 as pure functions: text in, a discriminated union out. Nothing here
 * talks to Slack or AWS, so every rule is pinned by the table in tests/unit/grammar.test.ts. `reason`
 * strings are Slack mrkdwn, already escaped. The query itself is read by the shared parser
 * (`@branch-envs/shared/deployQuery`, ADR 0007), which the resolver also uses; its refusals are
 * worded here for Slack.
 */

export type Target = { kind: 'deploy'; deployId: string } | { kind: 'branch'; branch: string };
export type Invalid = { kind: 'invalid'; reason: string };

export interface GrammarConfig {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
}

export type Extension =
  | { kind: 'duration'; seconds: number; requestedSeconds: number; capped: boolean }
  | { kind: 'overnight' };

export type Help = { kind: 'help' };

export type DeployCommand =
  | {
      kind: 'deploy';
      /** As typed, for messages. */
      query: string;
      parsedQuery: DeployQuery;
      ttlSeconds: number;
      requestedSeconds: number;
      capped: boolean;
      fresh: boolean;
      /** `--spot` / `--on-demand`; absent: the stage's `instances.capacity`. */
      capacity?: 'spot' | 'on-demand';
      /** `--no-follow`: no automatic updates when a newer build lands (ADR 0021). */
      noFollow: boolean;
    }
  | { kind: 'list'; scope: 'all' | 'mine' }
  | { kind: 'status'; target: Target }
  | { kind: 'extend'; target: Target; extension: Extension }
  /** `/deploy update <id|branch> [--reseed]`: the newest build, in place (ADR 0029). */
  | { kind: 'update'; target: Target; reseed: boolean }
  /** `logs <id|branch> [app|boot] [--lines N]` (ADR 0030). */
  | { kind: 'logs'; target: Target; logKind: LogKind; lines: number }
  | Help
  | Invalid;

export type TerminateCommand = { kind: 'terminate'; target: TerminateTarget } | Help | Invalid;

/** Room for a query plus `--fresh for 30m`; anything longer is refused before it is split. */
const MAX_TEXT_LENGTH = 320;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
/** Target branch names: git ref characters, starting with a letter or digit (no `-flag`). */
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

const HIDDEN_CHARACTERS: readonly (readonly [RegExp, string])[] = [
  [/[\r\n\u2028\u2029]/, 'a line break'],
  [
    /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/,
    'a hidden text-direction control (it can make text read differently from what it is)',
  ],
  [/[\u200B-\u200D\u2060\uFEFF\u00AD\u180E]/, 'an invisible zero-width character'],
  [/\p{C}/u, 'a control character'],
];

export const invalid = (reason: string): Invalid => ({ kind: 'invalid', reason });

/** Names the first invisible or control character in `text`, if any. */
export const findHiddenCharacter = (text: string): string | undefined =>
  HIDDEN_CHARACTERS.find(([pattern]) => pattern.test(text))?.[1];

/** Checks the whole text before it is split, so no later rule ever sees a newline or an override. */
export const screenText = (text: string): Invalid | undefined => {
  const hidden = findHiddenCharacter(text);
  if (hidden) return invalid(`Your command contains ${hidden}. Please retype it as plain text.`);
  if (text.length > MAX_TEXT_LENGTH) {
    return invalid(
      `That is ${text.length} characters long; a query can be at most ${MAX_QUERY_LENGTH} characters.`,
    );
  }
  return undefined;
};

/** A refused query, in words a Slack user can act on. */
export const queryRefusal = (problem: QueryProblem): string => {
  switch (problem.code) {
    case 'empty':
      return 'Tell me what to deploy: a branch fragment, a ticket id or a PR number.';
    case 'too_long':
      return `That query is ${problem.length} characters long; the limit is ${MAX_QUERY_LENGTH}.`;
    case 'raw_without_qualifiers':
      return '`raw:` needs GitHub search qualifiers after it, e.g. `raw:label:needs-env`.';
    case 'raw_character':
      return (
        `${describeCharacter(problem.character)} cannot be used in a \`raw:\` search. Use letters, ` +
        'digits, spaces and `. _ / : @ " + , * = # -`; write ranges as `2026-01-01..*`.'
      );
    case 'pull_number':
      return 'A pull request number looks like `#42`.';
    case 'several_words':
      return (
        'A query is one word: a branch fragment (`login-page`), a ticket id (`ABC-123`), a PR (`#42`), ' +
        'or `raw:` followed by GitHub search qualifiers.'
      );
    case 'double_dot':
      return '`..` cannot be part of a branch name.';
    case 'fragment_character':
      return `${describeCharacter(problem.character)} cannot be part of a branch name or ticket id here.`;
  }
};

/** A ULID-shaped word is a deploy id (any case); anything else must look like a branch name. */
export const parseTarget = (word: string): Target | Invalid => {
  if (ULID.test(word)) return { kind: 'deploy', deployId: word.toUpperCase() };
  if (word.length <= 255 && BRANCH.test(word) && !word.includes('..'))
    return { kind: 'branch', branch: word };
  return invalid(`${code(word)} is neither a deploy id nor a branch name.`);
};

const splitWords = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');

/** `--fresh`, `--no-follow` (ADR 0021), and `--spot` or `--on-demand` (ADR 0027), in any case and anywhere after the query. */
const DEPLOY_OPTIONS = ['--fresh', '--no-follow', '--spot', '--on-demand'] as const;

type DeployOptions = { fresh: boolean; noFollow: boolean; capacity?: 'spot' | 'on-demand'; rest: string[] };

const parseDeployOptions = (words: readonly string[]): DeployOptions | Invalid => {
  const isOption = (word: string) => (DEPLOY_OPTIONS as readonly string[]).includes(word.toLowerCase());
  const unknownOption = words.find((word) => word.startsWith('--') && !isOption(word));
  if (unknownOption)
    return invalid(
      `I don't know the option ${code(unknownOption, 30)}; the options are \`--fresh\`, \`--no-follow\`, \`--spot\` and \`--on-demand\`.`,
    );
  const given = new Set(words.filter(isOption).map((word) => word.toLowerCase()));
  if (given.has('--spot') && given.has('--on-demand'))
    return invalid('Choose one of `--spot` and `--on-demand`, not both.');
  const capacity = given.has('--spot') ? 'spot' : given.has('--on-demand') ? 'on-demand' : undefined;
  return {
    fresh: given.has('--fresh'),
    noFollow: given.has('--no-follow'),
    ...(capacity ? { capacity } : {}),
    rest: words.filter((word) => !isOption(word)),
  };
};

const parseDeploy = (words: readonly string[], config: GrammarConfig): DeployCommand => {
  const options = parseDeployOptions(words);
  if ('kind' in options) return options;
  const { fresh, noFollow, capacity } = options;
  let rest = options.rest;
  let requestedSeconds = config.defaultTtlSeconds;
  if (rest.length >= 2 && rest[rest.length - 2]?.toLowerCase() === 'for') {
    const durationText = rest[rest.length - 1] ?? '';
    const seconds = parseDuration(durationText);
    if (seconds === undefined) {
      return invalid(
        `I couldn't read the duration ${code(durationText, 30)}. Use one unit: \`30m\`, \`2h\` or \`1d\`.`,
      );
    }
    requestedSeconds = seconds;
    rest = rest.slice(0, -2);
  }
  const query = rest.join(' ');
  const parsed = parseDeployQuery(query);
  if (!parsed.ok) return invalid(queryRefusal(parsed.problem));
  const { seconds, capped } = capDuration(requestedSeconds, config.maxTtlSeconds);
  return {
    kind: 'deploy',
    query,
    parsedQuery: parsed.query,
    ttlSeconds: seconds,
    requestedSeconds,
    capped,
    fresh,
    noFollow,
    ...(capacity ? { capacity } : {}),
  };
};

const parseList = (args: readonly string[]): DeployCommand => {
  if (args.length === 0) return { kind: 'list', scope: 'all' };
  if (args.length === 1 && args[0]?.toLowerCase() === 'mine') return { kind: 'list', scope: 'mine' };
  return invalid('`list` takes nothing, or `mine`.');
};

const parseStatus = (args: readonly string[]): DeployCommand => {
  const [word] = args;
  if (args.length !== 1 || word === undefined) return invalid('`status` takes one deploy id or branch name.');
  const target = parseTarget(word);
  return target.kind === 'invalid' ? target : { kind: 'status', target };
};

const parseExtension = (words: readonly string[], config: GrammarConfig): Extension | Invalid => {
  const spec =
    words.length === 2 && ['for', 'by'].includes(words[0]?.toLowerCase() ?? '') ? words[1] : words[0];
  if (words.length === 0 || words.length > 2 || spec === undefined) {
    return invalid('Say how long: `extend <id|branch> 2h`, or `extend <id|branch> overnight`.');
  }
  if (spec.toLowerCase() === 'overnight') return { kind: 'overnight' };
  const requestedSeconds = parseDuration(spec);
  if (requestedSeconds === undefined) {
    return invalid(
      `I couldn't read the duration ${code(spec, 30)}. Use one unit: \`30m\`, \`2h\` or \`1d\`, or \`overnight\`.`,
    );
  }
  const { seconds, capped } = capDuration(requestedSeconds, config.maxTtlSeconds);
  return { kind: 'duration', seconds, requestedSeconds, capped };
};

const parseExtend = (args: readonly string[], config: GrammarConfig): DeployCommand => {
  const [word, ...rest] = args;
  if (word === undefined) return invalid('`extend` takes a deploy id or branch name and a duration.');
  const target = parseTarget(word);
  if (target.kind === 'invalid') return target;
  const extension = parseExtension(rest, config);
  return extension.kind === 'invalid' ? extension : { kind: 'extend', target, extension };
};

const parseUpdate = (args: readonly string[]): DeployCommand => {
  const unknownOption = args.find((word) => word.startsWith('--') && word.toLowerCase() !== '--reseed');
  if (unknownOption)
    return invalid(
      `I don't know the option ${code(unknownOption, 30)} for \`update\`; its one option is \`--reseed\`.`,
    );
  const words = args.filter((word) => !word.startsWith('--'));
  const [word] = words;
  if (words.length !== 1 || word === undefined)
    return invalid('`update` takes one deploy id or branch name, and optionally `--reseed`.');
  const target = parseTarget(word);
  if (target.kind === 'invalid') return target;
  return { kind: 'update', target, reseed: words.length < args.length };
};

const LOGS_USAGE = '`logs <id|branch> [app|boot] [--lines N]`';

/** `--lines N` as a whole number 1..500, digits only: it becomes a document parameter, never text. */
const parseLines = (word: string | undefined): number | Invalid => {
  if (word === undefined) return invalid(`\`--lines\` needs a number after it, e.g. \`--lines 200\`.`);
  const lines = /^\d{1,3}$/.test(word) ? Number(word) : Number.NaN;
  if (!Number.isInteger(lines) || lines < LOG_LINES.min || lines > LOG_LINES.max)
    return invalid(
      `${code(word, 30)} is not a number of lines; use a whole number from ${LOG_LINES.min} to ${LOG_LINES.max}.`,
    );
  return lines;
};

type LogOptions = { logKind: LogKind; lines: number };

const isLogKind = (word: string): word is LogKind => word === 'app' || word === 'boot';

/** `[app|boot]` and `--lines N`, in any order; anything else is named back to the user. */
const parseLogOptions = (words: readonly string[]): LogOptions | Invalid => {
  const options: { logKind?: LogKind; lines: number } = { lines: LOG_LINES.default };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const lower = word.toLowerCase();
    if (lower === '--lines') {
      const parsed = parseLines(words[i + 1]);
      if (typeof parsed !== 'number') return parsed;
      options.lines = parsed;
      i += 1;
      continue;
    }
    if (!isLogKind(lower) || options.logKind !== undefined)
      return invalid(
        `I don't know ${code(word, 30)} here: logs are \`app\` or \`boot\`. Usage: ${LOGS_USAGE}.`,
      );
    options.logKind = lower;
  }
  return { logKind: options.logKind ?? 'app', lines: options.lines };
};

const parseLogs = (args: readonly string[]): DeployCommand => {
  const [word, ...rest] = args;
  if (word === undefined) return invalid(`\`logs\` takes a deploy id or branch name: ${LOGS_USAGE}.`);
  const target = parseTarget(word);
  if (target.kind === 'invalid') return target;
  const options = parseLogOptions(rest);
  return 'kind' in options ? options : { kind: 'logs', target, ...options };
};

/**
 * `/deploy <query> [for <duration>] [--fresh]`, `list [mine]`, `status <id|branch>`,
 * `extend <id|branch> <duration|overnight>`, `update <id|branch> [--reseed]`, `logs <id|branch> [app|boot] [--lines N]`, `help`. Empty text is `help`. The subcommand words
 * win over queries: a branch called `list` is deployed with a longer fragment or `raw:`.
 */
export const parseDeployCommand = (text: string, config: GrammarConfig): DeployCommand => {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'help' };
  const screened = screenText(text);
  if (screened) return screened;
  const words = splitWords(trimmed);
  const [head = '', ...args] = words;
  switch (head.toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'list':
      return parseList(args);
    case 'status':
      return parseStatus(args);
    case 'extend':
      return parseExtend(args, config);
    case 'update':
      return parseUpdate(args);
    case 'logs':
      return parseLogs(args);
    default:
      return parseDeploy(words, config);
  }
};

/** `/terminate <id|branch|mine|all>`; empty text or `help` is help. */
export const parseTerminateCommand = (text: string): TerminateCommand => {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'help') return { kind: 'help' };
  const screened = screenText(text);
  if (screened) return screened;
  const words = splitWords(trimmed);
  const [word] = words;
  if (words.length !== 1 || word === undefined) {
    return invalid('`/terminate` takes one thing: a deploy id, a branch name, `mine` or `all`.');
  }
  const lower = word.toLowerCase();
  if (lower === 'mine' || lower === 'all') return { kind: 'terminate', target: { kind: lower } };
  const target = parseTarget(word);
  return target.kind === 'invalid' ? target : { kind: 'terminate', target };
};

/** The human form of a capped request, for the acknowledgement. */
export const cappedNote = (requestedSeconds: number, maxSeconds: number): string =>
  `You asked for ${formatDuration(requestedSeconds)}; the maximum is ${formatDuration(maxSeconds)}, so I capped it.`;
