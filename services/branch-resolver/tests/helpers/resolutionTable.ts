import type { DeployQuery } from '@branch-envs/shared/deployQuery';
import { type BranchResolution, type ResolutionRules, resolveBranch } from '../../src/domain/resolveBranch';
import { typedQuery } from './factories';
import { fakeGithub } from './fakeGithubPort';

export type Expected = { found: string; pr: number | null } | { ambiguous: string[] } | { notFound: string };

/** One query of a resolution table, against the fixture repository (tests/fixtures/pulls.json). */
export interface Row {
  name: string;
  /**
   * As typed in Slack, or already parsed for matching cases the typed grammar refuses (unicode,
   * spaces, `$`): the matcher handles any text, whatever its callers send.
   */
  query: string | DeployQuery;
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
  const parsed = typeof query === 'string' ? typedQuery(query) : query;

  // Act
  const resolution = await resolveBranch(parsed, github, { ...NO_RULES, ...rules });

  // Assess
  expect(summarize(resolution)).toEqual(expected);
  expect(github.calls.length).toBeLessThanOrEqual(2);
  if (calls !== undefined) expect(github.calls).toHaveLength(calls);
};
