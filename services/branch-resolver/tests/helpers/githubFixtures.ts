/**
 * A fixture repository (acme/shop) of 33 pull requests, served in GitHub's real REST shapes: the
 * fields of `GET /repos/{o}/{r}/pulls[/{n}]`, `GET /search/issues` and `GET .../branches/{b}` as
 * docs.github.com lists them (trimmed of the `_links` and URL templates nobody reads).
 */
import { createHash } from 'node:crypto';
import pullsFile from '../fixtures/pulls.json';

export const OWNER = 'acme';
export const REPO = 'shop';
const API = 'https://api.github.com';
const WEB = 'https://github.com';

export interface PullSpec {
  number: number;
  head: string;
  title: string;
  author: string;
  updatedAt: string;
  state?: 'open' | 'closed';
  draft?: boolean;
  /** The head branch lives in this fork instead of acme/shop. */
  fork?: string;
}

export const shaOf = (branch: string): string => createHash('sha1').update(branch).digest('hex');

/** The 33 pull requests of tests/fixtures/pulls.json: 30 open (one from a fork), 3 closed. */
export const PULLS: PullSpec[] = (pullsFile as { pulls: PullSpec[] }).pulls;

/** One fixture pull request by number; a typo in a test fails loudly. */
export const fixturePull = (number: number): PullSpec => {
  const found = PULLS.find((p) => p.number === number);
  if (!found) throw new Error(`the fixture has no pull request #${number}`);
  return found;
};

/** Branches that exist: every head above (forks aside), plus some without a pull request. */
export const BRANCHES_WITHOUT_PULL = ['main', 'experiment/no-pr-spike', 'spike/ünïcode-branch'];

export const branchShas = (): Map<string, string> =>
  new Map(
    [...PULLS.filter((p) => !p.fork).map((p) => p.head), ...BRANCHES_WITHOUT_PULL].map((b) => [b, shaOf(b)]),
  );

const user = (login: string) => ({
  login,
  id: [...login].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 10_000_000, 7),
  node_id: `U_${login}`,
  avatar_url: `https://avatars.githubusercontent.com/u/1?v=4`,
  url: `${API}/users/${encodeURIComponent(login)}`,
  html_url: `${WEB}/${encodeURIComponent(login)}`,
  type: login.endsWith('[bot]') ? 'Bot' : 'User',
  site_admin: false,
});

const repoJson = (fullName: string) => {
  const [owner = OWNER, name = REPO] = fullName.split('/');
  return {
    id: fullName === `${OWNER}/${REPO}` ? 4242 : 9999,
    node_id: `R_${fullName}`,
    name,
    full_name: fullName,
    private: false,
    owner: user(owner),
    html_url: `${WEB}/${fullName}`,
    url: `${API}/repos/${fullName}`,
    fork: fullName !== `${OWNER}/${REPO}`,
    default_branch: 'main',
  };
};

/** One pull request as `GET /repos/{owner}/{repo}/pulls/{pull_number}` returns it. */
export const restPull = (p: PullSpec) => {
  const headRepo = p.fork ?? `${OWNER}/${REPO}`;
  const ref = (name: string, fullName: string) => ({
    label: `${fullName.split('/')[0]}:${name}`,
    ref: name,
    sha: shaOf(name),
    user: user(fullName.split('/')[0] ?? OWNER),
    repo: repoJson(fullName),
  });
  const state = p.state ?? 'open';
  return {
    url: `${API}/repos/${OWNER}/${REPO}/pulls/${p.number}`,
    id: 1_000_000 + p.number,
    node_id: `PR_${p.number}`,
    html_url: `${WEB}/${OWNER}/${REPO}/pull/${p.number}`,
    diff_url: `${WEB}/${OWNER}/${REPO}/pull/${p.number}.diff`,
    patch_url: `${WEB}/${OWNER}/${REPO}/pull/${p.number}.patch`,
    issue_url: `${API}/repos/${OWNER}/${REPO}/issues/${p.number}`,
    number: p.number,
    state,
    locked: false,
    title: p.title,
    user: user(p.author),
    body: null,
    labels: [],
    milestone: null,
    created_at: '2026-11-01T08:00:00Z',
    updated_at: p.updatedAt,
    closed_at: state === 'closed' ? p.updatedAt : null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    draft: p.draft ?? false,
    head: ref(p.head, headRepo),
    base: ref('main', `${OWNER}/${REPO}`),
    author_association: p.fork ? 'CONTRIBUTOR' : 'MEMBER',
    auto_merge: null,
  };
};

/** One pull request as an item of `GET /search/issues` (an issue with a `pull_request` link). */
export const restSearchItem = (p: PullSpec) => {
  const pull = restPull(p);
  return {
    url: pull.issue_url,
    repository_url: `${API}/repos/${OWNER}/${REPO}`,
    html_url: pull.html_url,
    id: 2_000_000 + p.number,
    node_id: `I_${p.number}`,
    number: p.number,
    title: p.title,
    user: pull.user,
    labels: [],
    state: pull.state,
    locked: false,
    comments: 0,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    author_association: pull.author_association,
    draft: pull.draft,
    pull_request: {
      url: pull.url,
      html_url: pull.html_url,
      diff_url: pull.diff_url,
      patch_url: pull.patch_url,
      merged_at: null,
    },
    body: null,
    score: 1,
  };
};

/** `GET /repos/{owner}/{repo}/branches/{branch}`. */
export const restBranch = (name: string, sha: string) => ({
  name,
  commit: {
    sha,
    node_id: `C_${sha}`,
    url: `${API}/repos/${OWNER}/${REPO}/commits/${sha}`,
    commit: {
      message: `Tip of ${name}`,
      author: { name: 'dev', email: 'dev@example.com', date: '2026-11-20T00:00:00Z' },
    },
  },
  _links: {
    self: `${API}/repos/${OWNER}/${REPO}/branches/${encodeURIComponent(name)}`,
    html: `${WEB}/${OWNER}/${REPO}/tree/${name}`,
  },
  protected: name === 'main',
});

/** Open pull requests, most recently updated first: what `state=open&sort=updated&direction=desc` lists. */
export const openPullsByUpdate = (pulls: readonly PullSpec[] = PULLS): PullSpec[] =>
  pulls.filter((p) => (p.state ?? 'open') === 'open').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));

type Qualifier = (pull: PullSpec, value: string) => boolean;

const QUALIFIERS: Record<string, Qualifier> = {
  repo: (_, value) => value === `${OWNER}/${REPO}`,
  is: (p, value) => value === 'pr' || value === (p.state ?? 'open'),
  author: (p, value) => p.author.toLowerCase() === value,
  head: (p, value) => p.head.toLowerCase().startsWith(value),
};

const matchesToken = (pull: PullSpec, token: string): boolean => {
  const colon = token.indexOf(':');
  const qualifier = colon > 0 ? QUALIFIERS[token.slice(0, colon)] : undefined;
  if (qualifier) return qualifier(pull, token.slice(colon + 1));
  return `${pull.title} ${pull.head}`.toLowerCase().includes(token);
};

/**
 * A small model of GitHub's issue search over the fixture: `repo:`, `is:pr|open|closed`, `author:`,
 * `head:` (a prefix, as on GitHub) and free words in the title or head branch.
 */
export const searchFixture = (q: string, pulls: readonly PullSpec[] = PULLS): PullSpec[] => {
  const tokens = [...q.matchAll(/(?:[^\s"]+:)?"[^"]*"|\S+/g)].map((m) =>
    m[0].replace(/"/g, '').toLowerCase(),
  );
  return pulls
    .filter((p) => tokens.every((token) => matchesToken(p, token)))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
};
