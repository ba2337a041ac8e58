import { loadDemoRepository } from '../../src/standins/githubDemo';
import {
  answerGraphql,
  parseSearch,
  SUPPORTED_GRAPHQL_QUERY,
  searchIssues,
} from '../../src/standins/githubQueries';

const demo = loadDemoRepository();

describe('the demo repository', () => {
  it('has at least twelve open pull requests, closed ones, and a branch without a pull request', () => {
    // Act
    const open = demo.pulls.filter((p) => p.state === 'open');
    const withPull = new Set(demo.pulls.map((p) => p.head));

    // Assess
    expect(open.length).toBeGreaterThanOrEqual(12);
    expect(demo.pulls.some((p) => p.state === 'closed')).toBe(true);
    expect(demo.branches.some((b) => b.name !== demo.defaultBranch && !withPull.has(b.name))).toBe(true);
  });
});

describe('searchIssues', () => {
  const search = (q: string) =>
    searchIssues(demo, new URLSearchParams({ q })).body.items.map((i) => i.number);

  it('finds both login branches for the ambiguous word "login"', () => {
    expect(search('repo:acme/shop is:pr is:open login').sort()).toEqual([42, 43]);
  });

  it('narrows by head: prefix, ticket id and state', () => {
    expect(search('repo:acme/shop is:pr head:fix/DEMO-1')).toEqual([44]);
    expect(search('repo:acme/shop type:pr ABC-123')).toEqual([42]);
    expect(search('repo:acme/shop is:pr is:closed login')).toEqual(expect.arrayContaining([30, 31]));
  });

  it('finds nothing in another repository or among issues', () => {
    expect(search('repo:other/repo login')).toEqual([]);
    expect(search('repo:acme/shop is:issue login')).toEqual([]);
  });

  it('parses quoted values and ignores qualifiers it does not know', () => {
    expect(parseSearch('label:"needs review" head:"feature/ABC" login')).toEqual({
      head: 'feature/ABC',
      terms: ['login'],
    });
  });
});

describe('answerGraphql', () => {
  it('answers the documented open pull requests query, page by page', () => {
    // Act
    const first = answerGraphql(demo, {
      query: SUPPORTED_GRAPHQL_QUERY,
      variables: { owner: 'acme', name: 'shop', first: 5 },
    });
    const page = (
      first.body as {
        data: {
          repository: {
            pullRequests: {
              pageInfo: { endCursor: string; hasNextPage: boolean };
              nodes: { headRefName: string; headRefOid: string }[];
            };
          };
        };
      }
    ).data.repository.pullRequests;
    const second = answerGraphql(demo, {
      query: SUPPORTED_GRAPHQL_QUERY,
      variables: { owner: 'acme', name: 'shop', first: 5, after: page.pageInfo.endCursor },
    });

    // Assess
    expect(page.nodes).toHaveLength(5);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.nodes[0]?.headRefOid).toMatch(/^[0-9a-f]{40}$/);
    expect(JSON.stringify(second.body)).not.toContain(page.nodes[0]?.headRefName);
  });

  it('answers any other query with a GraphQL error rather than a guess', () => {
    expect(answerGraphql(demo, { query: '{ viewer { login } }' }).body).toHaveProperty('errors');
  });
});
