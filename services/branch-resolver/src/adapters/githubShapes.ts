/**
 * The parts of GitHub's answers the resolver reads, parsed at the edge (never `data as T`), and the
 * compact shapes it keeps in the ETag cache. A list item GitHub describes oddly (a SHA-256 repo, a
 * 300-character ref) is skipped rather than failing the whole page.
 */
import * as z from 'zod';
import type { BranchHead, PullPage, PullSummary, SearchResult } from '../domain/ports';

const IsoDateTime = z.iso.datetime({ offset: true });
const Sha = z.string().regex(/^[0-9a-f]{40}$/);
const Branch = z.string().min(1).max(255);
const Login = z.object({ login: z.string().max(100) }).nullable();

export const PullSummarySchema = z.object({
  number: z.number().int().positive(),
  branch: Branch,
  headSha: Sha,
  title: z.string(),
  url: z.url(),
  author: z.string().nullable(),
  updatedAt: IsoDateTime,
  state: z.enum(['open', 'closed']),
  draft: z.boolean(),
  fromFork: z.boolean(),
}) satisfies z.ZodType<PullSummary>;

export const PullPageSchema = z.object({
  pulls: z.array(PullSummarySchema),
  next: z.string().optional(),
}) satisfies z.ZodType<PullPage>;

export const SearchResultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('hits'),
    total: z.number().int().nonnegative(),
    hits: z.array(z.object({ number: z.number().int().positive(), state: z.enum(['open', 'closed']) })),
  }),
  z.object({ kind: z.literal('invalid'), message: z.string() }),
]) satisfies z.ZodType<SearchResult>;

export const BranchHeadSchema = z.object({ name: Branch, sha: Sha }) satisfies z.ZodType<BranchHead>;

/** `GET /repos/{o}/{r}/pulls/{n}` and each item of `GET /repos/{o}/{r}/pulls`. */
const RestPull = z
  .object({
    number: z.number().int().positive(),
    state: z.enum(['open', 'closed']),
    title: z.string(),
    html_url: z.url(),
    user: Login,
    updated_at: IsoDateTime,
    draft: z.boolean().optional(),
    head: z.object({ ref: Branch, sha: Sha, repo: z.object({ full_name: z.string() }).nullable() }),
    base: z.object({ repo: z.object({ full_name: z.string() }) }),
  })
  .transform(
    (p): PullSummary => ({
      number: p.number,
      branch: p.head.ref,
      headSha: p.head.sha,
      title: p.title,
      url: p.html_url,
      author: p.user?.login ?? null,
      updatedAt: p.updated_at,
      state: p.state,
      draft: p.draft ?? false,
      // A deleted fork leaves `head.repo` null; either way the branch is not this repository's.
      fromFork: p.head.repo?.full_name.toLowerCase() !== p.base.repo.full_name.toLowerCase(),
    }),
  );

const listOf = <T>(item: z.ZodType<T>, data: unknown): { items: T[]; skipped: number } => {
  const raw = z.array(z.unknown()).parse(data);
  const items = raw.flatMap((entry) => {
    const parsed = item.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
  return { items, skipped: raw.length - items.length };
};

/** The `page` of the `rel="next"` link, if GitHub says there is one. */
export const nextPageOf = (link: string | undefined): string | undefined => {
  const next = link?.match(/<([^>]+)>\s*;\s*rel="next"/)?.[1];
  return next ? (new URL(next).searchParams.get('page') ?? undefined) : undefined;
};

export const pullFromRest = (data: unknown): PullSummary => RestPull.parse(data);

export const pullPageFromRest = (data: unknown, link: string | undefined): PullPage & { skipped: number } => {
  const { items, skipped } = listOf(RestPull, data);
  const next = nextPageOf(link);
  return { pulls: items, skipped, ...(next ? { next } : {}) };
};

/** `GET /search/issues`: issues and pull requests; only pull requests count. */
export const searchFromRest = (data: unknown): SearchResult => {
  const parsed = z
    .object({
      total_count: z.number().int().nonnegative(),
      items: z.array(
        z.object({
          number: z.number().int().positive(),
          state: z.enum(['open', 'closed']),
          pull_request: z.object({}).optional(),
        }),
      ),
    })
    .parse(data);
  const hits = parsed.items.filter((i) => i.pull_request).map((i) => ({ number: i.number, state: i.state }));
  return { kind: 'hits', total: parsed.total_count, hits };
};

/** `GET /repos/{o}/{r}/branches/{branch}`. */
export const branchFromRest = (data: unknown): BranchHead => {
  const parsed = z.object({ name: Branch, commit: z.object({ sha: Sha }) }).parse(data);
  return { name: parsed.name, sha: parsed.commit.sha };
};

/** The one GraphQL query: open pull requests, most recently updated first, 100 a page. */
export const OPEN_PULLS_QUERY = `query OpenPullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: OPEN, first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { number title url headRefName headRefOid updatedAt isDraft isCrossRepository author { login } }
    }
  }
}`;

const GraphqlPull = z
  .object({
    number: z.number().int().positive(),
    title: z.string(),
    url: z.url(),
    headRefName: Branch,
    headRefOid: Sha,
    updatedAt: IsoDateTime,
    isDraft: z.boolean().optional(),
    isCrossRepository: z.boolean().optional(),
    author: Login,
  })
  .transform(
    (n): PullSummary => ({
      number: n.number,
      branch: n.headRefName,
      headSha: n.headRefOid,
      title: n.title,
      url: n.url,
      author: n.author?.login ?? null,
      updatedAt: n.updatedAt,
      state: 'open',
      draft: n.isDraft ?? false,
      fromFork: n.isCrossRepository ?? false,
    }),
  );

export const pullPageFromGraphql = (data: unknown): (PullPage & { skipped: number }) | undefined => {
  const parsed = z
    .object({
      repository: z
        .object({
          pullRequests: z.object({
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
            nodes: z.array(z.unknown()),
          }),
        })
        .nullable(),
    })
    .parse(data);
  if (!parsed.repository) return undefined;
  const { pageInfo, nodes } = parsed.repository.pullRequests;
  const { items, skipped } = listOf(GraphqlPull, nodes);
  const next = pageInfo.hasNextPage && pageInfo.endCursor ? pageInfo.endCursor : undefined;
  return { pulls: items, skipped, ...(next ? { next } : {}) };
};
