/**
 * What a `/deploy <query>` asks for (DESIGN §1): `#42` is a pull request, `raw:<qualifiers>` a GitHub
 * search, anything else a branch fragment or ticket id matched against open pull requests' heads.
 */
export type ParsedQuery =
  | { kind: 'pull'; number: number }
  | { kind: 'raw'; qualifiers: string }
  | { kind: 'fragment'; text: string; ticket: boolean };

const PULL_NUMBER = /^#\s*(\d{1,9})$/;
const RAW_PREFIX = /^raw:/i;
/** `ABC-123`, `demo-1`: a project key, a dash, a number. */
const TICKET_ID = /^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/;

export const parseQuery = (query: string): ParsedQuery => {
  const text = query.trim().normalize('NFC');
  const pull = PULL_NUMBER.exec(text);
  if (pull?.[1] && Number(pull[1]) > 0) return { kind: 'pull', number: Number(pull[1]) };
  if (RAW_PREFIX.test(text)) return { kind: 'raw', qualifiers: text.replace(RAW_PREFIX, '').trim() };
  return { kind: 'fragment', text, ticket: TICKET_ID.test(text) };
};

/** Keeps `"quoted phrases"` and `label:"two words"` as one token. */
const tokenize = (text: string): string[] => [...text.matchAll(/(?:[^\s"]+:)?"[^"]*"|\S+/g)].map((m) => m[0]);

/** Qualifiers that would search outside the configured repository or for issues; they are dropped. */
const SCOPE_QUALIFIER = /^-?(?:repo|org|user|owner|is:issue$|type:issue$|is:pr$|type:pr$)/i;
const STATE_QUALIFIER = /^-?(?:is:(?:open|closed|merged|unmerged)|state:\S+)$/i;

/**
 * The GitHub search a `raw:` query runs: pull requests of the configured repository, open ones only
 * unless closed pull requests are allowed and the user picked a state, plus the user's qualifiers.
 */
export const rawSearchQuery = (
  qualifiers: string,
  repository: string,
  allowClosed: boolean,
): { q: string; dropped: string[] } => {
  const tokens = tokenize(qualifiers);
  const dropped = tokens.filter((t) => SCOPE_QUALIFIER.test(t));
  const kept = tokens.filter((t) => !SCOPE_QUALIFIER.test(t));
  const userPickedState = kept.some((t) => STATE_QUALIFIER.test(t));
  const state = allowClosed && userPickedState ? [] : ['is:open'];
  return { q: [`repo:${repository}`, 'is:pr', ...state, ...kept].join(' '), dropped };
};

/**
 * Whether `name` could be a branch (git's check-ref-format rules for one ref), so a typed fragment
 * like `login page` never costs a branch lookup that cannot succeed.
 */
export const isPlausibleBranchName = (name: string): boolean =>
  name.length > 0 &&
  name.length <= 255 &&
  !/[\s~^:?*[\\]/.test(name) &&
  ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) &&
  !name.includes('..') &&
  !name.includes('@{') &&
  !name.includes('//') &&
  !/^[-/.]|[/.]$|\.lock$|\/\./.test(name) &&
  name !== '@';
