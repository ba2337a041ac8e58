import { BranchEnvsError } from '@branch-envs/shared/errors';

export { SecretUnavailableError } from '@branch-envs/shared/errors';

/** A request that is not a well-formed GitHub delivery: a bare 4xx, nothing that helps a prober. */
export class WebhookTransportError extends BranchEnvsError {
  public readonly statusCode: 400 | 404 | 413 | 415;

  public constructor(statusCode: 400 | 404 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookTransportError';
    this.statusCode = statusCode;
  }
}
