import type { PullSummary } from './ports';

/**
 * How well a head branch matches a fragment, best first. Only the best non-empty tier can produce a
 * winner, so an exact name beats any partial match and a ticket id beats a fuzzy one; several pull
 * requests in that tier make the query ambiguous. Nothing is ever picked by a guess inside a tier.
 *
 * - `exact`: the branch is the query, same case;
 * - `exact-any-case`: the branch is the query, ignoring case;
 * - `ticket`: the query is a ticket id (`ABC-123`) that appears in the branch as a whole id,
 *   so `ABC-12` does not match `ABC-123`;
 * - `partial`: the branch contains the query, ignoring case;
 * - `fuzzy`: it does once separators (`-_/. `) are ignored on both sides (`loginpage`, `login page`).
 */
export const TIERS = ['exact', 'exact-any-case', 'ticket', 'partial', 'fuzzy'] as const;
export type Tier = (typeof TIERS)[number];

export interface RankedPull {
  pull: PullSummary;
  tier: Tier;
  /** 0: the match spans whole words of the branch; 1: it starts at a word; 2: anywhere. */
  boundary: 0 | 1 | 2;
}

const SEPARATOR = /[-_/.\s]/;
const MIN_FUZZY_LENGTH = 3;

const fold = (text: string): string => text.normalize('NFC').toLowerCase();
const squash = (text: string): string => fold(text).replace(/[-_/.\s]+/g, '');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isBoundary = (text: string, index: number): boolean =>
  index <= 0 || index >= text.length || SEPARATOR.test(text.charAt(index));

const boundaryOf = (branch: string, fragment: string): 0 | 1 | 2 => {
  const at = branch.indexOf(fragment);
  if (at < 0) return 2;
  const starts = at === 0 || isBoundary(branch, at - 1);
  const ends = isBoundary(branch, at + fragment.length);
  if (starts && ends) return 0;
  return starts ? 1 : 2;
};

const tierOf = (branch: string, query: string, ticket: boolean): Tier | undefined => {
  if (branch === query) return 'exact';
  const b = fold(branch);
  const q = fold(query);
  if (b === q) return 'exact-any-case';
  if (ticket && new RegExp(`(?:^|[^\\p{L}\\p{N}])${escapeRegExp(q)}(?!\\p{N})`, 'u').test(b)) return 'ticket';
  if (q !== '' && b.includes(q)) return 'partial';
  const sq = squash(query);
  return sq.length >= MIN_FUZZY_LENGTH && squash(branch).includes(sq) ? 'fuzzy' : undefined;
};

/** Within a tier: whole-word matches, then ready (non-draft) pull requests, then the most recently updated. */
const byRelevance = (a: RankedPull, b: RankedPull): number =>
  a.boundary - b.boundary ||
  Number(a.pull.draft) - Number(b.pull.draft) ||
  b.pull.updatedAt.localeCompare(a.pull.updatedAt) ||
  b.pull.number - a.pull.number;

export type FragmentMatch =
  | { kind: 'none' }
  | { kind: 'one'; match: RankedPull }
  | { kind: 'many'; tier: Tier; ranked: RankedPull[] };

/** Matches a fragment or ticket id against the head branches of `pulls` (docs/architecture.md §1). */
export const matchFragment = (
  pulls: readonly PullSummary[],
  query: string,
  ticket: boolean,
): FragmentMatch => {
  const folded = fold(query);
  const ranked: RankedPull[] = [];
  for (const pull of pulls) {
    const tier = tierOf(pull.branch, query, ticket);
    if (tier) ranked.push({ pull, tier, boundary: boundaryOf(fold(pull.branch), folded) });
  }
  const best = TIERS.find((tier) => ranked.some((r) => r.tier === tier));
  if (!best) return { kind: 'none' };
  const inTier = ranked.filter((r) => r.tier === best).sort(byRelevance);
  const [first] = inTier;
  if (inTier.length === 1 && first) return { kind: 'one', match: first };
  return { kind: 'many', tier: best, ranked: inTier };
};
