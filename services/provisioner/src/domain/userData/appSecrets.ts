/**
 * Where an instance finds its app's secrets in SSM Parameter Store (issue 14, ADR 0011).
 *
 * The secrets themselves never pass through the provisioner: user data carries only the two
 * parameter paths, and the instance reads them at boot with its own role
 * (`ssm:GetParametersByPath`, non-recursive, with decryption), the branch path overriding the app
 * path name by name.
 */

/** What deploy.json's `secrets` holds. No value is secret: these are names of places. */
export interface AppSecretsLocation {
  /** `/branch-envs/<stage>/apps/<app>`: the app's secrets, one SecureString per name. */
  path: string;
  /** `…/branches/<branch>`, whose names override the app's; null when no override is looked up. */
  branchPath: string | null;
  /** Why there is no `branchPath`, for the instance's log; null when there is one. */
  branchSkipped: BranchSkipReason | null;
}

/**
 * - `invalid_characters`: the branch holds a character SSM names do not allow (only
 *   `a-zA-Z0-9_.-` and `/` are), so no parameter can exist under it.
 * - `too_deep`: the branch has so many `/` segments that a parameter under it would pass SSM's
 *   limit of 15 hierarchy levels.
 */
export type BranchSkipReason = 'invalid_characters' | 'too_deep';

/** Parameter names may hold only these (SSM's PutParameter rules); `/` separates levels. */
const SSM_PATH_TEXT = /^[A-Za-z0-9_.\-/]+$/;
/** SSM allows at most 15 levels in a parameter name, the final `<NAME>` included. */
export const SSM_MAX_LEVELS = 15;

const levels = (path: string): number => path.split('/').filter(Boolean).length;

/**
 * The app's secret path and, when SSM could hold one, the branch's override path. The stage and
 * the app come from configuration and always fit; a branch comes from git, which allows much more
 * than SSM does, so a branch SSM cannot name simply has no override, and says why.
 */
export function appSecretsLocation(stage: string, app: string, branch: string): AppSecretsLocation {
  const path = `/branch-envs/${stage}/apps/${app}`;
  const branchPath = `${path}/branches/${branch}`;
  if (!SSM_PATH_TEXT.test(branch)) return { path, branchPath: null, branchSkipped: 'invalid_characters' };
  if (levels(branchPath) + 1 > SSM_MAX_LEVELS) return { path, branchPath: null, branchSkipped: 'too_deep' };
  return { path, branchPath, branchSkipped: null };
}
