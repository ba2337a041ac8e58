import { isRecord } from '../templates/cfnTypes';
import { type DemoPull, type DemoRepository, headShaOf } from './githubDemo';
import { repositoryNotFound } from './githubErrorAnswers';
import { issueJson } from './githubRest';

/** Splits a search query into words, keeping "quoted phrases" and `key:"quoted value"` together. */
const tokenize = (q: string): string[] =>
  [...q.matchAll(/(?:[^\s"]+:)?"[^"]*"|\S+/g)].map((m) => m[0].replace(/"/g, ''));

interface SearchFilter {
  repo?: string;
  kind?: 'pr' | 'issue';
  state?: 'open' | 'closed';
  head?: string;
  base?: string;
  author?: string;
  terms: string[];
}

const QUALIFIERS: Record<string, (f: SearchFilter, value: string) => void> = {
  repo: (f, v) => {
    f.repo = v.toLowerCase();
  },
  is: (f, v) => {
    if (v === 'pr' || v === 'issue') f.kind = v;
    if (v === 'open' || v === 'closed') f.state = v;
  },
  type: (f, v) => {
    if (v === 'pr' || v === 'issue') f.kind = v;
  },
  state: (f, v) => {
    if (v === 'open' || v === 'closed') f.state = v;
  },
  head: (f, v) => {
    f.head = v;
  },
  base: (f, v) => {
    f.base = v;
  },
  author: (f, v) => {
    f.author = v.toLowerCase();
  },
};

export const parseSearch = (q: string): SearchFilter => {
  const filter: SearchFilter = { terms: [] };
  for (const token of tokenize(q)) {
    const colon = token.indexOf(':');
    const apply = colon > 0 ? QUALIFIERS[token.slice(0, colon).toLowerCase()] : undefined;
    if (apply) apply(filter, token.slice(colon + 1));
    else if (colon <= 0) filter.terms.push(token.toLowerCase());
    // Other qualifiers (label:, in:, sort:…) narrow nothing in the demo repository and are ignored.
  }
  return filter;
};

const matches = (demo: DemoRepository, pull: DemoPull, f: SearchFilter): boolean => {
  if (f.repo && f.repo !== `${demo.owner}/${demo.repo}`.toLowerCase()) return false;
  if (f.kind === 'issue') return false;
  if (f.state && pull.state !== f.state) return false;
  // GitHub's head: and base: match branch names that start with the value.
  if (f.head && !pull.head.startsWith(f.head)) return false;
  if (f.base && !pull.base.startsWith(f.base)) return false;
  if (f.author && pull.author.toLowerCase() !== f.author) return false;
  const haystack = `${pull.title} ${pull.head}`.toLowerCase();
  return f.terms.every((term) => haystack.includes(term));
};

/** `GET /search/issues`: pull requests of the demo repository matching `q`, as search results. */
export const searchIssues = (demo: DemoRepository, params: URLSearchParams) => {
  const filter = parseSearch(params.get('q') ?? '');
  const perPage = Math.min(Number(params.get('per_page') ?? 30), 100);
  const page = Math.max(Number(params.get('page') ?? 1), 1);
  const sortKey = params.get('sort') === 'created' ? 'createdAt' : 'updatedAt';
  const ascending = params.get('order') === 'asc';
  const found = demo.pulls
    .filter((pull) => matches(demo, pull, filter))
    .sort((a, b) => (ascending ? 1 : -1) * a[sortKey].localeCompare(b[sortKey]));
  return {
    total: found.length,
    body: {
      total_count: found.length,
      incomplete_results: false,
      search_type: 'lexical',
      items: found.slice((page - 1) * perPage, page * perPage).map((pull) => issueJson(demo, pull)),
    },
  };
};

/**
 * The one GraphQL query the stand-in answers (documented in local/README.md): open pull requests of
 * a repository with their head branch and SHA. Other queries get a GraphQL error, not a guess.
 */
export const SUPPORTED_GRAPHQL_QUERY = `query OpenPullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: OPEN, first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { number title url headRefName headRefOid updatedAt isDraft isCrossRepository author { login } }
    }
  }
}`;

/** An argument's value: a `$variable` looked up in `variables`, or an inline literal. */
const argument = (query: string, variables: Record<string, unknown>, name: string): string | undefined => {
  const variable = new RegExp(`\\b${name}\\s*:\\s*\\$(\\w+)`).exec(query)?.[1];
  if (variable !== undefined)
    return variables[variable] === undefined ? undefined : String(variables[variable]);
  return new RegExp(`\\b${name}\\s*:\\s*"?([\\w.-]+)"?`).exec(query)?.[1];
};

const cursorOf = (index: number): string => Buffer.from(`cursor:${index}`).toString('base64');
const indexOf = (cursor: string | undefined): number =>
  cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8').replace('cursor:', '')) + 1 : 0;

const graphqlError = (message: string) => ({ status: 200, body: { errors: [{ message }] } });

/** One page of open pull requests, newest update first, with GitHub's cursor-style page info. */
const openPullRequests = (demo: DemoRepository, first: number, start: number, withTotal: boolean) => {
  const open = demo.pulls
    .filter((p) => p.state === 'open')
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const page = open.slice(start, start + first);
  const nodes = page.map((p) => ({
    number: p.number,
    title: p.title,
    url: `https://github.com/${demo.owner}/${demo.repo}/pull/${p.number}`,
    headRefName: p.head,
    headRefOid: headShaOf(demo, p),
    updatedAt: p.updatedAt,
    isDraft: p.draft,
    isCrossRepository: p.fork !== undefined,
    author: { login: p.author },
  }));
  const pageInfo = {
    hasNextPage: start + first < open.length,
    endCursor: page.length > 0 ? cursorOf(start + page.length - 1) : null,
  };
  return { ...(withTotal ? { totalCount: open.length } : {}), pageInfo, nodes };
};

export const answerGraphql = (demo: DemoRepository, body: unknown): { status: number; body: unknown } => {
  const text = isRecord(body) && typeof body.query === 'string' ? body.query : '';
  // Variable declarations (`$owner: String!`) would otherwise read as arguments.
  const query = text.replace(/^\s*query\b[^{(]*\([^)]*\)/, '');
  const variables = isRecord(body) && isRecord(body.variables) ? body.variables : {};
  if (!/repository\s*\(/.test(query) || !/pullRequests\s*\(/.test(query)) {
    return graphqlError(
      'The local GitHub stand-in answers only the OpenPullRequests query (see local/README.md)',
    );
  }
  const owner = argument(query, variables, 'owner');
  const name = argument(query, variables, 'name');
  if (owner !== demo.owner || name !== demo.repo) {
    return repositoryNotFound(owner, name);
  }
  const first = Math.min(Number(argument(query, variables, 'first') ?? 100), 100);
  const start = indexOf(argument(query, variables, 'after'));
  const pullRequests = openPullRequests(demo, first, start, /\btotalCount\b/.test(query));
  return { status: 200, body: { data: { repository: { pullRequests } } } };
};
