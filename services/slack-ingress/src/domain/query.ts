import { code, describeCharacter } from './text';

/**
 * What a query and a target may look like (DESIGN §1), and the screening every command's text goes
 * through first. The rules are allow-lists: what is not a branch character, a PR number or a GitHub
 * search qualifier is refused with a message naming the character, before anything is published.
 */

export type Target = { kind: 'deploy'; deployId: string } | { kind: 'branch'; branch: string };
export type Invalid = { kind: 'invalid'; reason: string };

/** DeployRequested's limit on `query`. */
export const MAX_QUERY_LENGTH = 256;
/** Room for a query plus `--fresh for 30m`; anything longer is refused before it is split. */
const MAX_TEXT_LENGTH = 320;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
/** Branch fragments and ticket ids: git ref characters, starting with a letter or digit (no `-flag`). */
const FRAGMENT = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const FRAGMENT_CHAR = /[A-Za-z0-9._/-]/;
const PULL_REQUEST = /^#[1-9]\d{0,8}$/;
const RAW_PREFIX = /^raw:/i;
/** GitHub search qualifiers: `label:"needs env" head:feature/x updated:2026-01-01..*`. */
const RAW_CHAR = /[A-Za-z0-9 ._/:@"+,*=#-]/;

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

const firstCharacterOutside = (text: string, allowed: RegExp): string | undefined =>
  [...text].find((char) => !allowed.test(char));

const validateRawQuery = (query: string): Invalid | undefined => {
  const qualifiers = query.slice('raw:'.length).trim();
  if (qualifiers === '')
    return invalid('`raw:` needs GitHub search qualifiers after it, e.g. `raw:label:needs-env`.');
  const bad = firstCharacterOutside(qualifiers, RAW_CHAR);
  if (bad === undefined) return undefined;
  return invalid(
    `${describeCharacter(bad)} cannot be used in a \`raw:\` search. Use letters, digits, spaces and ` +
      '`. _ / : @ " + , * = # -`; write ranges as `2026-01-01..*`.',
  );
};

/** The query forms of DESIGN §1: fragment or ticket id, `#42`, or `raw:<qualifiers>`. */
export const validateQuery = (query: string): Invalid | undefined => {
  if (query === '') return invalid('Tell me what to deploy: a branch fragment, a ticket id or a PR number.');
  if (query.length > MAX_QUERY_LENGTH) {
    return invalid(`That query is ${query.length} characters long; the limit is ${MAX_QUERY_LENGTH}.`);
  }
  if (RAW_PREFIX.test(query)) return validateRawQuery(query);
  if (query.startsWith('#')) {
    return PULL_REQUEST.test(query) ? undefined : invalid('A pull request number looks like `#42`.');
  }
  if (query.includes(' ')) {
    return invalid(
      'A query is one word: a branch fragment (`login-page`), a ticket id (`ABC-123`), a PR (`#42`), ' +
        'or `raw:` followed by GitHub search qualifiers.',
    );
  }
  if (FRAGMENT.test(query)) {
    return query.includes('..') ? invalid('`..` cannot be part of a branch name.') : undefined;
  }
  const bad = firstCharacterOutside(query, FRAGMENT_CHAR) ?? query.charAt(0);
  return invalid(`${describeCharacter(bad)} cannot be part of a branch name or ticket id here.`);
};

/** A ULID-shaped word is a deploy id (any case); anything else must look like a branch name. */
export const parseTarget = (word: string): Target | Invalid => {
  if (ULID.test(word)) return { kind: 'deploy', deployId: word.toUpperCase() };
  if (word.length <= 255 && FRAGMENT.test(word) && !word.includes('..'))
    return { kind: 'branch', branch: word };
  return invalid(`${code(word)} is neither a deploy id nor a branch name.`);
};
