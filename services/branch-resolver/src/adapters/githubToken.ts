import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { UpstreamError } from '../errors';

const isParameterNotFound = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ParameterNotFound';

/**
 * The GitHub token, a SecureString read once per cold start (DESIGN §7) and never logged. A missing
 * parameter means anonymous access, which is remembered too; any other failure is not, so the next
 * attempt reads again.
 */
export const githubTokenReader = (client: SSMClient, name: string): (() => Promise<string | undefined>) => {
  let pending: Promise<string | undefined> | undefined;
  const read = async (): Promise<string | undefined> => {
    try {
      const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      return out.Parameter?.Value?.trim() || undefined;
    } catch (error) {
      if (isParameterNotFound(error)) return undefined;
      pending = undefined;
      throw new UpstreamError(
        {
          upstream: 'aws',
          retryable: true,
          userMessage: 'The resolver cannot read its GitHub settings right now.',
        },
        `cannot read SSM parameter ${name}`,
        { cause: error },
      );
    }
  };
  return () => {
    pending ??= read();
    return pending;
  };
};
