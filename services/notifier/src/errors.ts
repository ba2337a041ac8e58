import { BranchEnvsError } from '@branch-envs/shared/errors';

/**
 * Slack answered a Web API or webhook call with an error that retrying will not fix (`invalid_auth`,
 * `channel_not_found`, ...). The record goes back to the queue and, after maxReceiveCount, to the DLQ,
 * where an operator sees it; it is never swallowed.
 */
export class SlackApiError extends BranchEnvsError {
  public readonly slackError: string;
  public readonly method: string;

  public constructor(method: string, slackError: string, options?: { cause?: unknown }) {
    super('slack_api', `Slack ${method} failed: ${slackError}`, options);
    this.name = 'SlackApiError';
    this.method = method;
    this.slackError = slackError;
  }
}

/** Slack failed in a way that may pass (5xx, network): the record is retried through SQS. */
export class SlackUnavailableError extends BranchEnvsError {
  public constructor(method: string, detail: string, options?: { cause?: unknown }) {
    super('slack_unavailable', `Slack ${method} is unavailable: ${detail}`, options);
    this.name = 'SlackUnavailableError';
  }
}

/** Slack kept answering 429 longer than this invocation can wait; SQS redelivers the record later. */
export class SlackRateLimitedError extends BranchEnvsError {
  public readonly retryAfterSeconds: number;

  public constructor(method: string, retryAfterSeconds: number) {
    super('slack_rate_limited', `Slack ${method} is rate limited for ${retryAfterSeconds}s more`);
    this.name = 'SlackRateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No route can carry the message: the response_url is dead and neither a bot token nor a webhook is set. */
export class NoRouteError extends BranchEnvsError {
  public constructor(deployId: string) {
    super(
      'no_route',
      `deploy ${deployId}: the response_url is expired or used up, and no bot token or webhook is configured`,
    );
    this.name = 'NoRouteError';
  }
}

/** Another invocation is still updating this deployment's message; the record is retried later. */
export class MessageBusyError extends BranchEnvsError {
  public constructor(deployId: string) {
    super('message_busy', `deploy ${deployId}: another event is still updating its message`);
    this.name = 'MessageBusyError';
  }
}

/** GitHub refused or failed a Deployments call. Logged and counted; it never blocks the Slack message. */
export class GithubApiError extends BranchEnvsError {
  public readonly status: number | undefined;

  public constructor(action: string, status: number | undefined, options?: { cause?: unknown }) {
    super('github_api', `GitHub ${action} failed${status === undefined ? '' : ` (HTTP ${status})`}`, options);
    this.name = 'GithubApiError';
    this.status = status;
  }
}

/** A secret exists but could not be read (throttled, access denied): retry rather than pick another route. */
export class SecretUnavailableError extends BranchEnvsError {
  public constructor(parameterName: string, options?: { cause?: unknown }) {
    super('secret_unavailable', `cannot read SSM parameter ${parameterName}`, options);
    this.name = 'SecretUnavailableError';
  }
}
