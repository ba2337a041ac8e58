import { InvalidBranchNameError } from './errors';

/*
 * A port of git's `check-ref-format --branch` as git runs it outside a repository:
 * `strbuf_check_branch_ref` (no leading "-", not "HEAD") and then `check_refname_format` on
 * "refs/heads/<name>" with no flags (refs.c). Inside a repository git would first expand
 * `@{-1}`-style names; a provisioner has no repository, so it checks the name as written.
 *
 * git works on bytes. Every byte git forbids is ASCII, and UTF-8 never uses ASCII bytes inside a
 * multi-byte character, so checking UTF-16 code units below 0x80 is the same test.
 */

const LOCK_SUFFIX = '.lock';

/** ASCII characters that git's `refname_disposition` table marks as bad (4) or as `*` (5). */
const FORBIDDEN_PUNCTUATION = new Set([' ', '~', '^', ':', '?', '[', '\\', '*']);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why git would refuse `name` as a branch name, or `undefined` when it would accept it.
 *
 * The reason is a phrase that completes "it …", so a user sees which rule the name broke.
 * Two cases git itself never sees are refused as well: a NUL (it cannot be passed to git at all)
 * and a lone UTF-16 surrogate (it has no UTF-8 form, so it cannot name a real branch).
 */
export function branchNameProblem(name: string): string | undefined {
  if (LONE_SURROGATE.test(name)) return 'is not valid Unicode (lone surrogate)';
  if (name.startsWith('-')) return 'starts with "-"';
  if (name === 'HEAD') return 'is "HEAD"';
  return refNameProblem(`refs/heads/${name}`);
}

/**
 * Throws {@link InvalidBranchNameError} unless git would accept `name` as a branch name.
 *
 * Renderers call this first: a branch that git rejects cannot exist, so such a name is either a
 * typo or an attack, and both end before any user data is built.
 */
export function assertValidBranchName(name: string): void {
  const problem = branchNameProblem(name);
  if (problem !== undefined) throw new InvalidBranchNameError(name, problem);
}

function refNameProblem(refName: string): string | undefined {
  const components = refName.split('/');
  for (const component of components) {
    const problem = componentProblem(component);
    if (problem !== undefined) return problem;
  }
  if (refName.endsWith('.')) return 'ends with "."';
  return undefined;
}

function componentProblem(component: string): string | undefined {
  if (component.length === 0) return 'has an empty path component (a leading, trailing or double "/")';
  let last = '';
  for (const char of component) {
    const problem = characterProblem(char, last);
    if (problem !== undefined) return problem;
    last = char;
  }
  if (component.startsWith('.')) return 'has a path component that starts with "."';
  if (component.endsWith(LOCK_SUFFIX)) return `has a path component that ends with "${LOCK_SUFFIX}"`;
  return undefined;
}

function characterProblem(char: string, last: string): string | undefined {
  const code = char.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `contains the control character U+${hex4(code)}`;
  if (FORBIDDEN_PUNCTUATION.has(char)) return `contains ${JSON.stringify(char)}`;
  if (char === '.' && last === '.') return 'contains ".."';
  if (char === '{' && last === '@') return 'contains "@{"';
  return undefined;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
