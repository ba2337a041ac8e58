import { BranchEnvsError } from '@branch-envs/shared/errors';

/** Shared errors this service throws, re-exported so that its modules import errors from one place. */
export { SecretUnavailableError, SlackApiError, slackScopesOf } from '@branch-envs/shared/errors';

/**
 * A request that is not a well-formed Slack request (wrong content type, too big, missing fields).
 * It is not the user's mistake, so it gets a bare 4xx rather than an ephemeral reply.
 */
export class SlackTransportError extends BranchEnvsError {
  public readonly statusCode: 400 | 404 | 413 | 415;

  public constructor(statusCode: 400 | 404 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackTransportError';
    this.statusCode = statusCode;
  }
}
