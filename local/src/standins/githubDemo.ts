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
    if (!shas.has(pull.head))
      throw new DemoDataError(`PR #${pull.number} has head ${pull.head}, which is not a branch`);
  }
  for (const branch of demo.branches) {
    if (!/^[0-9a-f]{40}$/.test(branch.sha)) throw new DemoDataError(`branch ${branch.name} has a bad sha`);
  }
  return demo;
};

/** The REST shapes below carry the fields Octokit users read, with GitHub's names and nesting. */
const API = 'https://api.github.com';
const WEB = 'https://github.com';

export const userJson = (login: string) => ({
  login,
  id: [...login].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 10_000_000,
  type: login.endsWith('-bot') ? 'Bot' : 'User',
  url: `${API}/users/${login}`,
  html_url: `${WEB}/${login}`,
});

export const repoJson = (demo: DemoRepository) => ({
  id: 4242,
  name: demo.repo,
  full_name: `${demo.owner}/${demo.repo}`,
  private: false,
  owner: userJson(demo.owner),
  html_url: `${WEB}/${demo.owner}/${demo.repo}`,
  url: `${API}/repos/${demo.owner}/${demo.repo}`,
  default_branch: demo.defaultBranch,
});

export const shaOf = (demo: DemoRepository, branch: string): string | undefined =>
  demo.branches.find((b) => b.name === branch)?.sha;

export const pullJson = (demo: DemoRepository, pull: DemoPull) => {
  const repoUrl = `${API}/repos/${demo.owner}/${demo.repo}`;
  const ref = (name: string) => ({
    label: `${demo.owner}:${name}`,
    ref: name,
    sha: shaOf(demo, name) ?? '',
    user: userJson(demo.owner),
    repo: repoJson(demo),
  });
  return {
    url: `${repoUrl}/pulls/${pull.number}`,
    id: 100_000 + pull.number,
    node_id: `PR_local${pull.number}`,
    html_url: `${WEB}/${demo.owner}/${demo.repo}/pull/${pull.number}`,
    issue_url: `${repoUrl}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(pull.author),
    body: null,
    labels: [],
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    draft: pull.draft,
    head: ref(pull.head),
    base: ref(pull.base),
    author_association: 'MEMBER',
  };
};

/** A pull request as `/search/issues` returns it: an issue with a `pull_request` link, no head ref. */
export const issueJson = (demo: DemoRepository, pull: DemoPull) => {
  const full = pullJson(demo, pull);
  return {
    url: full.issue_url,
    repository_url: `${API}/repos/${demo.owner}/${demo.repo}`,
    html_url: full.html_url,
    id: 200_000 + pull.number,
    node_id: `I_local${pull.number}`,
    number: pull.number,
    title: pull.title,
    user: full.user,
    labels: [],
    state: pull.state,
    locked: false,
    comments: 0,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: full.closed_at,
    author_association: 'MEMBER',
    draft: pull.draft,
    pull_request: { url: full.url, html_url: full.html_url, merged_at: full.merged_at },
    body: null,
    score: 1,
  };
};

export const branchJson = (demo: DemoRepository, name: string, sha: string) => ({
  name,
  commit: {
    sha,
    url: `${API}/repos/${demo.owner}/${demo.repo}/commits/${sha}`,
    commit: { message: `Tip of ${name}`, author: { name: 'demo', date: '2026-11-20T00:00:00Z' } },
  },
  protected: name === demo.defaultBranch,
  _links: {
    self: `${API}/repos/${demo.owner}/${demo.repo}/branches/${encodeURIComponent(name)}`,
    html: `${WEB}/${demo.owner}/${demo.repo}/tree/${name}`,
  },
});
