import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { SecretUnavailableError } from '../errors';

/**
 * An optional SecureString, read once per cold start and kept in memory (DESIGN §7). A parameter that
 * does not exist means "not configured" and is remembered as such; any other failure is not cached and
 * is thrown, so the record is retried rather than sent down a worse route. The value is never logged.
 */
export const optionalSecureParameter = (
  client: SSMClient,
  name: string | undefined,
): (() => Promise<string | undefined>) => {
  let pending: Promise<string | undefined> | undefined;
  const read = async (): Promise<string | undefined> => {
    if (name === undefined) return undefined;
    try {
      const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value?.trim();
      return value === '' ? undefined : value;
    } catch (error) {
      if (error instanceof ParameterNotFound) return undefined;
      pending = undefined;
      throw new SecretUnavailableError(name, { cause: error });
    }
  };
  return () => {
    pending ??= read();
    return pending;
  };
};
