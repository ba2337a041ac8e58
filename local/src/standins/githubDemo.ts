import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../templates/cfnTypes';

export interface DemoPull {
  number: number;
  head: string;
  base: string;
  title: string;
  author: string;
  state: 'open' | 'closed';
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  mergedAt?: string | null;
  /** A pull request from a fork: the fork's owner and the head SHA there (its branch is not ours). */
  fork?: { owner: string; sha: string };
}

export interface DemoRepository {
  owner: string;
  repo: string;
  defaultBranch: string;
  branches: { name: string; sha: string }[];
  pulls: DemoPull[];
  artifacts: { app: string; missingPgdump: string[] };
}

export const DEMO_FILE = join(__dirname, '..', '..', 'demo', 'github.json');

export class DemoDataError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'DemoDataError';
  }
}

/** Reads and sanity-checks the seeded demo repository (`local/demo/github.json`). */
export const loadDemoRepository = (file = DEMO_FILE): DemoRepository => {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    !isRecord(parsed) ||
    !Array.isArray(parsed.branches) ||
    !Array.isArray(parsed.pulls) ||
    !isRecord(parsed.artifacts)
  ) {
    throw new DemoDataError(`${file} needs owner, repo, branches, pulls and artifacts`);
  }
  const demo = parsed as unknown as DemoRepository;
  const shas = new Map(demo.branches.map((b) => [b.name, b.sha]));
  for (const pull of demo.pulls) {
    if (!pull.fork && !shas.has(pull.head))
      throw new DemoDataError(`PR #${pull.number} has head ${pull.head}, which is not a branch`);
  }
  for (const branch of demo.branches) {
    if (!/^[0-9a-f]{40}$/.test(branch.sha)) throw new DemoDataError(`branch ${branch.name} has a bad sha`);
  }
  return demo;
};

export const shaOf = (demo: DemoRepository, branch: string): string | undefined =>
  demo.branches.find((b) => b.name === branch)?.sha;

/** A pull request's head SHA: in the fork for a fork's pull request, else the demo branch's. */
export const headShaOf = (demo: DemoRepository, pull: DemoPull): string =>
  pull.fork?.sha ?? shaOf(demo, pull.head) ?? '';
