import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { LogsPorts } from '../domain/logs/ports';

const CACHE_MS = 60_000;

/**
 * The values of the app's secrets (`/branch-envs/<stage>/apps/<app>/…`, branch overrides included),
 * read to redact them from logs and never logged. Cached a minute per container; a failed read is
 * not cached, and fails the collection so it is retried rather than published unredacted.
 */
export const createAppSecretValues = (ssm: SSMClient, path: string): LogsPorts['secrets'] => {
  let cached: { at: number; values: readonly string[] } | undefined;
  const read = async (): Promise<string[]> => {
    const values: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(
        new GetParametersByPathCommand({
          Path: path,
          Recursive: true,
          WithDecryption: true,
          NextToken: token,
        }),
      );
      for (const parameter of page.Parameters ?? []) if (parameter.Value) values.push(parameter.Value);
      token = page.NextToken;
    } while (token);
    return values;
  };
  return {
    async values() {
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.values;
      const values = await read();
      cached = { at: Date.now(), values };
      return values;
    },
  };
};
