import { parseQuery } from '../../src/domain/query';
import { type BranchResolution, type ResolutionRules, resolveBranch } from '../../src/domain/resolveBranch';
import { fakeGithub } from './fakeGithubPort';

export type Expected = { found: string; pr: number | null } | { ambiguous: string[] } | { notFound: string };

/** One query of a resolution table, against the fixture repository (tests/fixtures/pulls.json). */
export interface Row {
  name: string;
  query: string;
  expected: Expected;
  rules?: Partial<ResolutionRules>;
  /** Open pull requests per listed page; 100 unless a test is about paging. */
  pageSize?: number;
  /** The exact number of GitHub calls, when the row is about cost. */
  calls?: number;
}

export const NO_RULES: ResolutionRules = { allowClosedPulls: false, allowBranchWithoutPull: false };

const summarize = (resolution: BranchResolution): Expected => {
  if (resolution.kind === 'found')
    return { found: resolution.match.branch, pr: resolution.match.pull?.number ?? null };
  if (resolution.kind === 'ambiguous') return { ambiguous: resolution.candidates.map((c) => c.branch) };
  return { notFound: resolution.searched };
};

/** Resolves a row's query and checks its outcome, and that no resolution made more than 2 calls. */
export const checkRow = async ({ query, expected, rules, pageSize, calls }: Row): Promise<void> => {
  // Prepare
  const github = fakeGithub({ pageSize });

  // Act
  const resolution = await resolveBranch(parseQuery(query), github, { ...NO_RULES, ...rules });

  // Assess
  expect(summarize(resolution)).toEqual(expected);
  expect(github.calls.length).toBeLessThanOrEqual(2);
  if (calls !== undefined) expect(github.calls).toHaveLength(calls);
};
