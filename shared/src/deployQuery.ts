import * as z from 'zod';

/**
 * What `/deploy <query>` asks for, parsed once where it is typed (slack-ingress) and carried
 * structured in DeployRequested v2, so the resolver never reads the text with a grammar of its own
 * (ADR 0007). The grammar is an allow-list of ASCII: look-alike letters (a Cyrillic `і` for `i`) and
 * shell or mrkdwn characters are refused with the character named, never searched for.
 */

/** The longest query, as typed. */
export const MAX_QUERY_LENGTH = 256;

/** Branch fragments: git ref characters, starting with a letter or digit (no `-flag`), no `..`. */
const FRAGMENT = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const FRAGMENT_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const FRAGMENT_CHAR = /[A-Za-z0-9._/-]/;
/** `ABC-123`, `demo-1`: a project key, a dash, a number. */
const TICKET = /^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/;
/** `#42`, `# 42`: what follows `#` must be a number. */
const PULL = /^#\s*(\d{1,9})$/;
const RAW_PREFIX = /^raw:/i;
/** GitHub search qualifiers: `label:"needs env" head:feature/x updated:2026-01-01..*`. */
const RAW = /^(?! )[A-Za-z0-9 ._/:@"+,*=#-]+(?<! )$/;
const RAW_CHAR = /[A-Za-z0-9 ._/:@"+,*=#-]/;

/**
 * The parsed query: exactly one of `pull` (a pull request number), `raw` (GitHub search
 * qualifiers), `ticket` (a ticket id matched as a whole id in head branches) or `fragment` (part of
 * a head branch name).
 */
export const DeployQuery = z.union([
  z.object({ pull: z.number().int().min(1).max(999_999_999) }).strict(),
  z.object({ raw: z.string().max(MAX_QUERY_LENGTH).regex(RAW, 'must be GitHub search qualifiers') }).strict(),
  z.object({ ticket: z.string().regex(TICKET, 'must be a ticket id such as ABC-123') }).strict(),
  z
    .object({ fragment: z.string().max(MAX_QUERY_LENGTH).regex(FRAGMENT, 'must be a branch fragment') })
    .strict(),
]);
export type DeployQuery = z.infer<typeof DeployQuery>;

/** Why a text is not a query; the caller words it for its own audience. */
export type QueryProblem =
  | { code: 'empty' }
  | { code: 'too_long'; length: number }
  | { code: 'raw_without_qualifiers' }
  | { code: 'raw_character'; character: string }
  | { code: 'pull_number' }
  | { code: 'several_words' }
  | { code: 'double_dot' }
  | { code: 'fragment_character'; character: string };

export type QueryParse = { ok: true; query: DeployQuery } | { ok: false; problem: QueryProblem };

const refused = (problem: QueryProblem): QueryParse => ({ ok: false, problem });
const parsed = (query: DeployQuery): QueryParse => ({ ok: true, query });

const firstCharacterOutside = (text: string, allowed: RegExp): string | undefined =>
  [...text].find((char) => !allowed.test(char));

const parseRaw = (text: string): QueryParse => {
  const qualifiers = text.replace(RAW_PREFIX, '').trim();
  if (qualifiers === '') return refused({ code: 'raw_without_qualifiers' });
  const bad = firstCharacterOutside(qualifiers, RAW_CHAR);
  return bad === undefined ? parsed({ raw: qualifiers }) : refused({ code: 'raw_character', character: bad });
};

const parsePull = (text: string): QueryParse => {
  const number = Number(PULL.exec(text)?.[1] ?? 0);
  return number > 0 ? parsed({ pull: number }) : refused({ code: 'pull_number' });
};

const parseWord = (text: string): QueryParse => {
  if (FRAGMENT_SHAPE.test(text)) {
    if (text.includes('..')) return refused({ code: 'double_dot' });
    return parsed(TICKET.test(text) ? { ticket: text } : { fragment: text });
  }
  const bad = firstCharacterOutside(text, FRAGMENT_CHAR) ?? text.charAt(0);
  return refused({ code: 'fragment_character', character: bad });
};

/**
 * Reads a query as typed: `#42` is a pull request, `raw:<qualifiers>` a GitHub search, a ticket id
 * such as `ABC-123` a ticket, any other single word a branch fragment. Surrounding spaces are ignored.
 */
export const parseDeployQuery = (typed: string): QueryParse => {
  const text = typed.trim();
  if (text === '') return refused({ code: 'empty' });
  if (text.length > MAX_QUERY_LENGTH) return refused({ code: 'too_long', length: text.length });
  if (RAW_PREFIX.test(text)) return parseRaw(text);
  if (text.startsWith('#')) return parsePull(text);
  if (/\s/.test(text)) return refused({ code: 'several_words' });
  return parseWord(text);
};
