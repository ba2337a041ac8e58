/**
 * GitHub's error answers as its REST and GraphQL documentation shows them, built in one place for
 * every GitHub stand-in (the local stack's and the resolver's test server). The contract tests check
 * them against `@octokit/openapi` (tests/contract/github/).
 */

export interface GithubErrorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const REST_DOCS = 'https://docs.github.com/rest';

/** REST 404 for a resource that does not exist or that the token cannot see. */
export const notFound = (message = 'Not Found'): GithubErrorAnswer => ({
  status: 404,
  body: { message, documentation_url: REST_DOCS, status: '404' },
});

/** REST 401 for a token GitHub does not accept. */
export const badCredentials = (): GithubErrorAnswer => ({
  status: 401,
  body: { message: 'Bad credentials', documentation_url: REST_DOCS, status: '401' },
});

/** GraphQL refuses anonymous callers outright, with HTTP 401. */
export const graphqlRequiresAuthentication = (): GithubErrorAnswer => ({
  status: 401,
  body: { message: 'This endpoint requires you to be authenticated.', documentation_url: REST_DOCS },
});

/** REST 403 for a fine-grained token without the permission; GitHub names the one needed in a header. */
export const tokenLacksPermission = (
  permission: string,
  documentationUrl: string,
  headers: Record<string, string> = {},
): GithubErrorAnswer => ({
  status: 403,
  body: {
    message: 'Resource not accessible by personal access token',
    documentation_url: documentationUrl,
    status: '403',
  },
  headers: { ...headers, 'x-accepted-github-permissions': permission },
});

/** REST 422 with GitHub's `validation-error` body, e.g. a search without `q`. */
export const validationFailed = (resource: string, field: string, code: string): GithubErrorAnswer => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [{ resource, field, code }],
    documentation_url: REST_DOCS,
    status: '422',
  },
});

/**
 * The primary rate limit, spent: REST answers 403 or 429 with `x-ratelimit-remaining: 0` and the
 * reset time; GraphQL answers HTTP 200 with an error of type RATE_LIMITED. `headers` are the
 * stand-in's `x-ratelimit-*` headers with remaining already 0.
 */
export const primaryRateLimit = (options: {
  graphql: boolean;
  status: 403 | 429;
  headers: Record<string, string>;
  message?: string;
}): GithubErrorAnswer => {
  const message = options.message ?? 'API rate limit exceeded';
  if (options.graphql)
    return { status: 200, body: { errors: [{ type: 'RATE_LIMITED', message }] }, headers: options.headers };
  return {
    status: options.status,
    body: { message, documentation_url: `${REST_DOCS}/overview/rate-limits-for-the-rest-api` },
    headers: options.headers,
  };
};

/** A secondary rate limit: 403 or 429, GitHub's message, and `retry-after` (seconds) when it gives one. */
export const secondaryRateLimit = (status: 403 | 429, retryAfter?: number): GithubErrorAnswer => ({
  status,
  body: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url: `${REST_DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
  },
  ...(retryAfter !== undefined ? { headers: { 'retry-after': String(retryAfter) } } : {}),
});

/** GraphQL's answer for a repository it does not show: HTTP 200, null data and a NOT_FOUND error. */
export const repositoryNotFound = (
  owner: string | undefined,
  name: string | undefined,
): GithubErrorAnswer => ({
  status: 200,
  body: {
    data: { repository: null },
    errors: [
      {
        type: 'NOT_FOUND',
        path: ['repository'],
        locations: [{ line: 2, column: 3 }],
        message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
      },
    ],
  },
});

export const serverError = (message = 'Server Error'): GithubErrorAnswer => ({
  status: 500,
  body: { message },
});
