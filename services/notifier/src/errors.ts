import { BranchEnvsError } from '@branch-envs/shared/errors';

/** Shared errors this service throws, re-exported so that its modules import errors from one place. */
export { SecretUnavailableError, SlackApiError, slackScopesOf } from '@branch-envs/shared/errors';

/** Slack failed in a way that may pass (5xx, network): the record is retried through SQS. */
export class SlackUnavailableError extends BranchEnvsError {
  public constructor(method: string, detail: string, options?: { cause?: unknown }) {
    super(`Slack ${method} is unavailable: ${detail}`, options);
    this.name = 'SlackUnavailableError';
  }
}

/** Slack kept answering 429 longer than this invocation can wait; SQS redelivers the record later. */
export class SlackRateLimitedError extends BranchEnvsError {
  public readonly retryAfterSeconds: number;

  public constructor(method: string, retryAfterSeconds: number) {
    super(`Slack ${method} is rate limited for ${retryAfterSeconds}s more`);
    this.name = 'SlackRateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No route can carry the message: the response_url is dead and neither a bot token nor a webhook is set. */
export class NoRouteError extends BranchEnvsError {
  public constructor(deployId: string) {
    super(
      `deploy ${deployId}: the response_url is expired or used up, and no bot token or webhook is configured`,
    );
    this.name = 'NoRouteError';
  }
}

/** Another invocation is still updating this deployment's message; the record is retried later. */
export class MessageBusyError extends BranchEnvsError {
  public constructor(deployId: string) {
    super(`deploy ${deployId}: another event is still updating its message`);
    this.name = 'MessageBusyError';
  }
}

/** GitHub refused or failed a Deployments call. Logged and counted; it never blocks the Slack message. */
export class GithubApiError extends BranchEnvsError {
  public readonly status: number | undefined;

  public constructor(
    action: string,
    status: number | undefined,
    options?: { cause?: unknown; detail?: string },
  ) {
    const http =
      status === undefined ? '' : ` (HTTP ${status}${options?.detail ? `: ${options.detail}` : ''})`;
    super(`GitHub ${action} failed${http}`, options);
    this.name = 'GithubApiError';
    this.status = status;
  }
}
