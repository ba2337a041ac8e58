import { createHash } from 'node:crypto';
import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';

/**
 * What the simulated app shows of the secrets it was given: each name with the SHA-256 of its
 * value, so a test can prove the value arrived without the value ever being printed or served.
 * Local only: a real app never publishes even a hash of its secrets.
 */
export type ReceivedSecrets = Record<string, string>;

/** The env-file rules of fetch-secrets.sh, which the jvm-postgres profile the simulator plays uses. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isReserved = (name: string, settings: string[]): boolean =>
  name.startsWith('BRANCH_ENVS_') || name === 'PORT' || settings.includes(name);

/** The parameters directly under `path`, decrypted, every page, as `{NAME: value}`. */
const readPath = async (ssm: SSMClient, path: string): Promise<Record<string, string>> => {
  const found: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await ssm.send(
      new GetParametersByPathCommand({
        Path: path,
        Recursive: false,
        WithDecryption: true,
        NextToken: token,
      }),
    );
    for (const p of page.Parameters ?? []) found[(p.Name ?? '').slice(path.length + 1)] = p.Value ?? '';
    token = page.NextToken;
  } while (token);
  return found;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads an instance's app secrets as fetch-secrets.sh does at boot: the app path, then the branch
 * path (when deploy.json names one), the branch's values winning, with the same names skipped.
 * Throws when SSM cannot be read, as the boot step fails; undefined when deploy.json names no path.
 */
export const fetchAppSecrets = async (
  ssm: SSMClient,
  document: Record<string, unknown> | undefined,
): Promise<ReceivedSecrets | undefined> => {
  const location = (document?.secrets ?? {}) as Record<string, unknown>;
  const appPath = text(location.path);
  if (appPath === undefined) return undefined;
  const branchPath = text(location.branchPath);
  const merged = {
    ...(await readPath(ssm, appPath)),
    ...(branchPath === undefined ? {} : await readPath(ssm, branchPath)),
  };
  const settings = Object.keys((document?.env ?? {}) as Record<string, unknown>);
  const received: ReceivedSecrets = {};
  for (const [name, value] of Object.entries(merged)) {
    if (!ENV_NAME.test(name) || isReserved(name, settings)) continue;
    received[name] = createHash('sha256').update(value).digest('hex');
  }
  return received;
};
