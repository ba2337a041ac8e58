import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecretUnavailableError } from '@branch-envs/shared/errors';
import { createSecretReader } from '@branch-envs/shared/secrets';
import { UpstreamError } from '../errors';

/**
 * The GitHub token, an optional secret (shared reader: cached, never logged). A missing parameter
 * means anonymous access; an unreadable one is an `aws` upstream failure worth a retry, so the
 * resolver answers it like any other dependency that is down.
 */
export const githubTokenReader = (client: SSMClient, name: string): (() => Promise<string | undefined>) => {
  const read = createSecretReader(client).optional(name);
  return () =>
    read().catch((error: unknown) => {
      if (!(error instanceof SecretUnavailableError)) throw error;
      throw new UpstreamError(
        {
          upstream: 'aws',
          retryable: true,
          userMessage: 'The resolver cannot read its GitHub settings right now.',
        },
        error.message,
        { cause: error },
      );
    });
};
