import { BranchEnvsError } from '@branch-envs/shared/errors';

/** The dependency a failure came from, as `DeployRejected.upstream_error` names it. */
export type Upstream = 'github' | 's3' | 'aws';

/**
 * A dependency failed. A `retryable` error is thrown so that SQS redelivers the record (the queue's
 * visibility timeout and maxReceiveCount are the backoff). A non-retryable one, or a retryable one on
 * the last attempt, becomes a DeployRejected `upstream_error`, so the user always gets an answer.
 * `userMessage` is shown to the user: it never carries a token, a stack or an internal URL.
 */
export class UpstreamError extends BranchEnvsError {
  public readonly upstream: Upstream;
  public readonly retryable: boolean;
  public readonly userMessage: string;
  /** Epoch seconds after which a retry can succeed (a rate-limit reset). */
  public readonly retryAfter: number | undefined;

  public constructor(
    details: { upstream: Upstream; retryable: boolean; userMessage: string; retryAfter?: number },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
    this.upstream = details.upstream;
    this.retryable = details.retryable;
    this.userMessage = details.userMessage;
    this.retryAfter = details.retryAfter;
  }
}

/** GitHub answered 5xx, timed out or could not be reached: worth another attempt later. */
export class GithubUnavailableError extends UpstreamError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(
      { upstream: 'github', retryable: true, userMessage: `GitHub is not answering right now (${message}).` },
      `GitHub unavailable: ${message}`,
      options,
    );
    this.name = 'GithubUnavailableError';
  }
}

/**
 * GitHub's primary or secondary rate limit is exhausted. Not retried through SQS: the reset is often
 * far beyond the queue's backoff, so the user is told at once when to try again.
 */
export class GithubRateLimitedError extends UpstreamError {
  public constructor(resetAt: number, resource: string, options?: { cause?: unknown }) {
    super(
      {
        upstream: 'github',
        retryable: false,
        retryAfter: resetAt,
        userMessage: `GitHub's API rate limit for the resolver is used up; it resets at ${new Date(resetAt * 1000).toISOString().slice(11, 16)} UTC.`,
      },
      `GitHub ${resource} rate limit exhausted until ${resetAt}`,
      options,
    );
    this.name = 'GithubRateLimitedError';
  }
}

/** GitHub refused for a reason a retry will not fix: bad token, repository not visible, odd answer. */
export class GithubRefusedError extends UpstreamError {
  public constructor(userMessage: string, message: string, options?: { cause?: unknown }) {
    super({ upstream: 'github', retryable: false, userMessage }, message, options);
    this.name = 'GithubRefusedError';
  }
}

/** S3 could not answer a HeadObject; access denied is final, anything else is retried. */
export class ArtifactStoreError extends UpstreamError {
  public constructor(key: string, retryable: boolean, options?: { cause?: unknown }) {
    super(
      {
        upstream: 's3',
        retryable,
        userMessage: retryable
          ? 'The build artifact store is not answering right now.'
          : 'The resolver may not read the build artifacts (access denied).',
      },
      `HeadObject failed for ${key}`,
      options,
    );
    this.name = 'ArtifactStoreError';
  }
}

/** A resolution asked for more GitHub calls than its budget (docs/architecture.md §10: at most 2); a bug, not bad luck. */
export class CallBudgetExceededError extends BranchEnvsError {
  public constructor(budget: number) {
    super(`a resolution may make at most ${budget} GitHub calls`);
    this.name = 'CallBudgetExceededError';
  }
}
