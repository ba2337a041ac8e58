import { BranchEnvsError } from '@branch-envs/shared/errors';

/**
 * A request that is not a well-formed Slack request (wrong content type, too big, missing fields).
 * It is not the user's mistake, so it gets a bare 4xx rather than an ephemeral reply.
 */
export class SlackTransportError extends BranchEnvsError {
  public readonly statusCode: 400 | 404 | 413 | 415;

  public constructor(statusCode: 400 | 404 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super('slack_transport', message, options);
    this.name = 'SlackTransportError';
    this.statusCode = statusCode;
  }
}

/** A secret could not be read from SSM; the request cannot be verified, so nothing is done. */
export class SecretUnavailableError extends BranchEnvsError {
  public constructor(parameterName: string, options?: { cause?: unknown }) {
    super('secret_unavailable', `cannot read SSM parameter ${parameterName}`, options);
    this.name = 'SecretUnavailableError';
  }
}

/** Slack's Web API refused or failed a call (user-group membership). */
export class SlackApiError extends BranchEnvsError {
  public constructor(method: string, detail: string, options?: { cause?: unknown }) {
    super('slack_api', `Slack ${method} failed: ${detail}`, options);
    this.name = 'SlackApiError';
  }
}
