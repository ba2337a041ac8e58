import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecretUnavailableError } from './errors';

/**
 * Values are kept for the execution environment's life, so the warm path never waits for SSM
 * (Powertools' default of 5 s would put a GetParameter in front of a request every 5 s). A day is
 * longer than Lambda keeps an environment; rotating a secret takes a redeploy (ADR 0008).
 */
const SECRET_MAX_AGE_SECONDS = 24 * 3600;

/** Reads one secret, at most once at a time; see {@link SecretReader}. */
export type ReadSecret<T> = () => Promise<T>;

/**
 * SecureStrings under `/branch-envs/<stage>/…`, through Powertools Parameters: decrypted, cached
 * (see {@link SECRET_MAX_AGE_SECONDS}) and never logged. A read is lazy, so a cold start that does
 * not need a secret does not pay for it; calls that arrive while one is in flight share it, and a
 * failed read is not cached, so the next call tries again. Values are trimmed (a pasted newline is
 * not part of a token).
 */
export interface SecretReader {
  /** A secret the service cannot work without: missing, blank or unreadable → SecretUnavailableError. */
  required(name: string): ReadSecret<string>;
  /**
   * A secret whose absence is a setting ("no bot token"): no name, a missing parameter or a blank
   * value → undefined, and a missing one is remembered like a value. Unreadable (throttled, access
   * denied) → SecretUnavailableError, so the caller retries rather than takes a worse route.
   */
  optional(name: string | undefined): ReadSecret<string | undefined>;
}

/** `client` is the service's own SSMClient, so `AWS_ENDPOINT_URL` (moto) and its retries apply. */
export const createSecretReader = (client: SSMClient): SecretReader => {
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const missing = new Set<string>();

  /** The trimmed value, or undefined when the parameter does not exist or is blank. */
  const fetchValue = async (name: string): Promise<string | undefined> => {
    try {
      const value = await provider.get(name, {
        decrypt: true,
        maxAge: SECRET_MAX_AGE_SECONDS,
        throwOnMissing: true,
      });
      return value?.trim() || undefined;
    } catch (error) {
      if (error instanceof ParameterNotFoundError) return undefined;
      throw new SecretUnavailableError(name, { cause: error });
    }
  };

  /** Missing means "not configured" here, so it is remembered like a value (Powertools caches values only). */
  const fetchOptional = async (name: string): Promise<string | undefined> => {
    if (missing.has(name)) return undefined;
    const value = await fetchValue(name);
    if (value === undefined) missing.add(name);
    return value;
  };

  const sharedInFlight = <T>(read: () => Promise<T>): ReadSecret<T> => {
    let pending: Promise<T> | undefined;
    return () => {
      pending ??= read().finally(() => {
        pending = undefined;
      });
      return pending;
    };
  };

  return {
    required: (name) =>
      sharedInFlight(async () => {
        const value = await fetchValue(name);
        if (value === undefined) throw new SecretUnavailableError(name);
        return value;
      }),
    optional: (name) => sharedInFlight(async () => (name === undefined ? undefined : fetchOptional(name))),
  };
};
