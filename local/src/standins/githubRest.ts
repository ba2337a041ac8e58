/**
 * The demo repository in GitHub's REST shapes, with every property GitHub's OpenAPI description
 * marks required (tests/contract/github checks them against it), GitHub's names and nesting.
 */
import { type DemoPull, type DemoRepository, headShaOf, shaOf } from './githubDemo';

const API = 'https://api.github.com';
const WEB = 'https://github.com';
const EPOCH = '2026-11-01T00:00:00Z';

const idOf = (text: string, modulo = 10_000_000): number =>
  [...text].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % modulo, 7);

const nodeId = (prefix: string, id: number): string =>
  `${prefix}_${Buffer.from(String(id)).toString('base64')}`;

/**
 * A user or an app's bot. GitHub percent-encodes a bot's login in its API URLs
 * (`/users/renovate%5Bbot%5D`) and points its page at the app (`/apps/renovate`).
 */
export const userJson = (login: string) => {
  const app = /^(.+)\[bot\]$/.exec(login)?.[1];
  const url = `${API}/users/${encodeURIComponent(login)}`;
  const id = idOf(login);
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: app ? `${WEB}/apps/${app}` : `${WEB}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: app || login.endsWith('-bot') ? 'Bot' : 'User',
    site_admin: false,
  };
};

/** `{name}_url` links of a repository, GitHub's URI templates included. */
const REPO_LINKS: Record<string, string> = {
  archive: '/{archive_format}{/ref}',
  assignees: '/assignees{/user}',
  blobs: '/git/blobs{/sha}',
  branches: '/branches{/branch}',
  collaborators: '/collaborators{/collaborator}',
  comments: '/comments{/number}',
  commits: '/commits{/sha}',
  compare: '/compare/{base}...{head}',
  contents: '/contents/{+path}',
  contributors: '/contributors',
  deployments: '/deployments',
  downloads: '/downloads',
  events: '/events',
  forks: '/forks',
  git_commits: '/git/commits{/sha}',
  git_refs: '/git/refs{/sha}',
  git_tags: '/git/tags{/sha}',
  hooks: '/hooks',
  issue_comment: '/issues/comments{/number}',
  issue_events: '/issues/events{/number}',
  issues: '/issues{/number}',
  keys: '/keys{/key_id}',
  labels: '/labels{/name}',
  languages: '/languages',
  merges: '/merges',
  milestones: '/milestones{/number}',
  notifications: '/notifications{?since,all,participating}',
  pulls: '/pulls{/number}',
  releases: '/releases{/id}',
  stargazers: '/stargazers',
  statuses: '/statuses/{sha}',
  subscribers: '/subscribers',
  subscription: '/subscription',
  tags: '/tags',
  teams: '/teams',
  trees: '/git/trees{/sha}',
};

/** The demo repository, or (with `owner`) a fork of it, as GitHub's repository object. */
export const repoJson = (demo: DemoRepository, owner = demo.owner) => {
  const fullName = `${owner}/${demo.repo}`;
  const url = `${API}/repos/${fullName}`;
  const id = owner === demo.owner ? 4242 : 4243;
  const links = Object.fromEntries(
    Object.entries(REPO_LINKS).map(([name, tail]) => [`${name}_url`, url + tail]),
  );
  return {
    id,
    node_id: nodeId('R', id),
    name: demo.repo,
    full_name: fullName,
    private: false,
    owner: userJson(owner),
    html_url: `${WEB}/${fullName}`,
    description: null,
    fork: owner !== demo.owner,
    url,
    ...links,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${WEB}/${fullName}.git`,
    svn_url: `${WEB}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: 'Java',
    forks: 1,
    forks_count: 1,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1024,
    default_branch: demo.defaultBranch,
    open_issues: demo.pulls.filter((p) => p.state === 'open').length,
    open_issues_count: demo.pulls.filter((p) => p.state === 'open').length,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: EPOCH,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: EPOCH,
  };
};

const ref = (demo: DemoRepository, name: string, owner = demo.owner, sha = shaOf(demo, name) ?? '') => ({
  label: `${owner}:${name}`,
  ref: name,
  sha,
  user: userJson(owner),
  repo: repoJson(demo, owner),
});

/** A pull request as `GET …/pulls` lists it (GitHub's pull-request-simple). */
export const pullSimpleJson = (demo: DemoRepository, pull: DemoPull) => {
  const repoUrl = `${API}/repos/${demo.owner}/${demo.repo}`;
  const url = `${repoUrl}/pulls/${pull.number}`;
  const htmlUrl = `${WEB}/${demo.owner}/${demo.repo}/pull/${pull.number}`;
  const headSha = headShaOf(demo, pull);
  const link = (href: string) => ({ href });
  return {
    url,
    id: 100_000 + pull.number,
    node_id: nodeId('PR', 100_000 + pull.number),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: `${repoUrl}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: `${repoUrl}/issues/${pull.number}/comments`,
    statuses_url: `${repoUrl}/statuses/${headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(pull.author),
    body: null,
    labels: [],
    milestone: null,
    assignee: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: null,
    draft: pull.draft,
    head: ref(demo, pull.head, pull.fork?.owner, headSha),
    base: ref(demo, pull.base),
    _links: {
      self: link(url),
      html: link(htmlUrl),
      issue: link(`${repoUrl}/issues/${pull.number}`),
      comments: link(`${repoUrl}/issues/${pull.number}/comments`),
      review_comments: link(`${url}/comments`),
      review_comment: link(`${repoUrl}/pulls/comments{/number}`),
      commits: link(`${url}/commits`),
      statuses: link(`${repoUrl}/statuses/${headSha}`),
    },
    author_association: pull.fork ? 'CONTRIBUTOR' : 'MEMBER',
    auto_merge: null,
  };
};

/** A pull request as `GET …/pulls/{number}` answers it: the listed shape and its counts. */
export const pullJson = (demo: DemoRepository, pull: DemoPull) => ({
  ...pullSimpleJson(demo, pull),
  merged: Boolean(pull.mergedAt),
  mergeable: pull.state === 'open' ? true : null,
  mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
  merged_by: null,
  maintainer_can_modify: false,
  comments: 0,
  review_comments: 0,
  commits: 1,
  additions: 10,
  deletions: 2,
  changed_files: 1,
});

/** A pull request as `/search/issues` returns it: an issue with a `pull_request` link, no head ref. */
export const issueJson = (demo: DemoRepository, pull: DemoPull) => {
  const full = pullSimpleJson(demo, pull);
  return {
    url: full.issue_url,
    repository_url: `${API}/repos/${demo.owner}/${demo.repo}`,
    labels_url: `${full.issue_url}/labels{/name}`,
    comments_url: `${full.issue_url}/comments`,
    events_url: `${full.issue_url}/events`,
    html_url: full.html_url,
    id: 200_000 + pull.number,
    node_id: nodeId('I', 200_000 + pull.number),
    number: pull.number,
    title: pull.title,
    user: full.user,
    labels: [],
    state: pull.state,
    locked: false,
    assignee: null,
    milestone: null,
    comments: 0,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: full.closed_at,
    author_association: full.author_association,
    draft: pull.draft,
    pull_request: {
      url: full.url,
      html_url: full.html_url,
      diff_url: full.diff_url,
      patch_url: full.patch_url,
      merged_at: full.merged_at,
    },
    body: '',
    score: 1,
  };
};

/** `GET …/branches/{branch}` (GitHub's branch-with-protection). */
export const branchJson = (demo: DemoRepository, name: string, sha: string) => {
  const repoUrl = `${API}/repos/${demo.owner}/${demo.repo}`;
  const branchUrl = `${repoUrl}/branches/${encodeURIComponent(name)}`;
  const signature = { name: 'demo', email: 'demo@example.com', date: '2026-11-20T00:00:00Z' };
  return {
    name,
    commit: {
      sha,
      node_id: nodeId('C', idOf(sha)),
      url: `${repoUrl}/commits/${sha}`,
      html_url: `${WEB}/${demo.owner}/${demo.repo}/commit/${sha}`,
      comments_url: `${repoUrl}/commits/${sha}/comments`,
      commit: {
        url: `${repoUrl}/git/commits/${sha}`,
        message: `Tip of ${name}`,
        author: signature,
        committer: signature,
        tree: { sha, url: `${repoUrl}/git/trees/${sha}` },
        comment_count: 0,
      },
      author: userJson(demo.owner),
      committer: userJson(demo.owner),
      parents: [],
    },
    _links: { self: branchUrl, html: `${WEB}/${demo.owner}/${demo.repo}/tree/${name}` },
    protected: name === demo.defaultBranch,
    protection: { enabled: name === demo.defaultBranch },
    protection_url: `${branchUrl}/protection`,
  };
};
