import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { SecretUnavailableError } from '../errors';

/**
 * A SecureString read once per cold start and kept in memory (DESIGN §7). A failed read is not
 * cached, so the next request tries again. The value is never logged; rotating it takes a new
 * cold start (deploy, or wait for Lambda to recycle the instance).
 */
export const cachedSecureParameter = (client: SSMClient, name: string): (() => Promise<string>) => {
  let pending: Promise<string> | undefined;
  const read = async (): Promise<string> => {
    try {
      const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value;
      if (!value) throw new SecretUnavailableError(name);
      return value;
    } catch (error) {
      pending = undefined;
      throw error instanceof SecretUnavailableError
        ? error
        : new SecretUnavailableError(name, { cause: error });
    }
  };
  return () => {
    pending ??= read();
    return pending;
  };
};
