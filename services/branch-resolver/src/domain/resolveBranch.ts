import type { DeployQuery } from '@branch-envs/shared/deployQuery';
import type { BranchCandidate } from '@branch-envs/shared/events/DeployRejected';
import { matchFragment } from './matching';
import type { GithubPort, PullSummary } from './ports';

export interface BranchMatch {
  branch: string;
  headSha: string;
  /** Null for a branch found by its exact name without an open pull request. */
  pull: { number: number; title: string; url: string; author: string | null } | null;
}

export type BranchResolution =
  | { kind: 'found'; match: BranchMatch }
  | { kind: 'ambiguous'; candidates: BranchCandidate[] }
  | { kind: 'not_found'; searched: string };

export interface ResolutionRules {
  allowClosedPulls: boolean;
  allowBranchWithoutPull: boolean;
}

/** The contract's limit on candidates in an `ambiguous` answer. */
export const MAX_CANDIDATES = 10;

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

const found = (pull: PullSummary): BranchResolution => ({
  kind: 'found',
  match: {
    branch: pull.branch,
    headSha: pull.headSha,
    pull: { number: pull.number, title: pull.title, url: pull.url, author: pull.author },
  },
});

const notFound = (searched: string): BranchResolution => ({ kind: 'not_found', searched });

const candidate = (pull: PullSummary): BranchCandidate => ({
  branch: pull.branch,
  prNumber: pull.number,
  title: pull.title.slice(0, 512),
  author: pull.author?.slice(0, 100) ?? null,
  updatedAt: pull.updatedAt,
});

const ambiguous = (pulls: readonly PullSummary[]): BranchResolution => ({
  kind: 'ambiguous',
  candidates: pulls.slice(0, MAX_CANDIDATES).map(candidate),
});

/** Why a pull request found by number or search cannot be deployed, if it cannot. */
const refusal = (pull: PullSummary, rules: ResolutionRules): string | undefined => {
  if (pull.fromFork) return 'it comes from a fork, whose branches have no builds here';
  if (pull.state !== 'open' && !rules.allowClosedPulls) return 'it is closed; only open pull requests deploy';
  return undefined;
};

const resolvePullNumber = async (
  github: GithubPort,
  number: number,
  rules: ResolutionRules,
  searched = `pull request #${number} in ${github.repository}`,
): Promise<BranchResolution> => {
  const pull = await github.pull(number);
  if (!pull) return notFound(searched);
  const why = refusal(pull, rules);
  return why ? notFound(`${searched} (#${number}: ${why})`) : found(pull);
};

/**
 * Open pull requests, page after page while the budget lasts, most recently updated first. An exact
 * branch name ends the listing early: branch names are unique, so no later page can beat it.
 */
const listOpenPulls = async (
  github: GithubPort,
  exactName: string,
): Promise<{ pulls: PullSummary[]; truncated: boolean }> => {
  const pulls: PullSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await github.openPulls(cursor);
    pulls.push(...page.pulls);
    cursor = page.next;
  } while (
    cursor !== undefined &&
    github.callsLeft > 0 &&
    !pulls.some((p) => p.branch === exactName && !p.fromFork)
  );
  return { pulls: pulls.filter((p) => !p.fromFork), truncated: cursor !== undefined };
};

const resolveFragment = async (
  github: GithubPort,
  text: string,
  ticket: boolean,
  rules: ResolutionRules,
): Promise<BranchResolution> => {
  const { pulls, truncated } = await listOpenPulls(github, text);
  const result = matchFragment(pulls, text, ticket);
  if (result.kind === 'one') return found(result.match.pull);
  if (result.kind === 'many') return ambiguous(result.ranked.map((r) => r.pull));
  const scope = truncated
    ? `the ${pulls.length} most recently updated open pull requests in ${github.repository} (there are more)`
    : `the ${pulls.length} open pull requests in ${github.repository}`;
  let searched = `"${text}" in the head branches of ${scope}`;
  if (rules.allowBranchWithoutPull && isPlausibleBranchName(text) && github.callsLeft > 0) {
    const branch = await github.branch(text);
    if (branch) return { kind: 'found', match: { branch: branch.name, headSha: branch.sha, pull: null } };
    searched += `, then a branch named "${text}"`;
  }
  return notFound(searched);
};

/**
 * Search hits carry no head branch. One hit costs one more call for its pull request; several are
 * named from the first page of open pull requests, which the ETag cache usually makes free.
 */
const resolveRaw = async (
  github: GithubPort,
  qualifiers: string,
  rules: ResolutionRules,
): Promise<BranchResolution> => {
  const { q } = rawSearchQuery(qualifiers, github.repository, rules.allowClosedPulls);
  const searched = `GitHub search "${q}"`;
  const result = await github.searchPulls(q, MAX_CANDIDATES);
  if (result.kind === 'invalid') return notFound(`${searched} (GitHub refused it: ${result.message})`);
  const hits = result.hits.filter((h) => h.state === 'open' || rules.allowClosedPulls);
  const [only] = hits;
  if (!only) return notFound(searched);
  if (hits.length === 1) return resolvePullNumber(github, only.number, rules, searched);
  const page = await github.openPulls();
  const byNumber = new Map(page.pulls.map((p) => [p.number, p]));
  const named = hits.flatMap((h) => {
    const pull = byNumber.get(h.number);
    return pull && !pull.fromFork ? [pull] : [];
  });
  const unnamed = hits.filter((h) => !byNumber.has(h.number)).length;
  if (named.length >= 2) return ambiguous(named);
  const [single] = named;
  if (single && unnamed === 0) return found(single);
  return notFound(
    unnamed === 0
      ? searched
      : `${searched} (${hits.length} pull requests match, but their branches cannot all be listed; narrow the search)`,
  );
};

/** Turns a parsed query into one branch, a list of candidates, or what was searched in vain. */
export const resolveBranch = (
  query: DeployQuery,
  github: GithubPort,
  rules: ResolutionRules,
): Promise<BranchResolution> => {
  if ('pull' in query) return resolvePullNumber(github, query.pull, rules);
  if ('raw' in query) return resolveRaw(github, query.raw, rules);
  if ('ticket' in query) return resolveFragment(github, query.ticket, true, rules);
  return resolveFragment(github, query.fragment, false, rules);
};
