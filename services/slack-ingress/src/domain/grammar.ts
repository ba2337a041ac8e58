import { capDuration, formatDuration, parseDuration } from '@branch-envs/shared/duration';
import type { TerminateTarget } from '@branch-envs/shared/events/TerminateRequested';
import { type Invalid, invalid, parseTarget, screenText, type Target, validateQuery } from './query';
import { code } from './text';

export type { Invalid, Target } from './query';

/**
 * The command grammar of DESIGN §1 as pure functions: text in, a discriminated union out. Nothing here
 * talks to Slack or AWS, so every rule is pinned by the table in tests/unit/grammar.test.ts. `reason`
 * strings are Slack mrkdwn, already escaped.
 */

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
      query: string;
      ttlSeconds: number;
      requestedSeconds: number;
      capped: boolean;
      fresh: boolean;
    }
  | { kind: 'list'; scope: 'all' | 'mine' }
  | { kind: 'status'; target: Target }
  | { kind: 'extend'; target: Target; extension: Extension }
  | Help
  | Invalid;

export type TerminateCommand = { kind: 'terminate'; target: TerminateTarget } | Help | Invalid;

const splitWords = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');

const parseDeploy = (words: readonly string[], config: GrammarConfig): DeployCommand => {
  const unknownOption = words.find((word) => word.startsWith('--') && word.toLowerCase() !== '--fresh');
  if (unknownOption)
    return invalid(`I don't know the option ${code(unknownOption, 30)}; the only one is \`--fresh\`.`);
  const fresh = words.some((word) => word.toLowerCase() === '--fresh');
  let rest = words.filter((word) => word.toLowerCase() !== '--fresh');
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
  const problem = validateQuery(query);
  if (problem) return problem;
  const { seconds, capped } = capDuration(requestedSeconds, config.maxTtlSeconds);
  return { kind: 'deploy', query, ttlSeconds: seconds, requestedSeconds, capped, fresh };
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

/**
 * `/deploy <query> [for <duration>] [--fresh]`, `list [mine]`, `status <id|branch>`,
 * `extend <id|branch> <duration|overnight>`, `help`. Empty text is `help`. The subcommand words
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
