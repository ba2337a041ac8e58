import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { isTonight, nextNightlyRun } from './nightlySchedule';
import type { ReaperPolicy } from './ports';

export type Extension = ExtendRequested['data']['extension'];

export interface ExtensionResult {
  expiresAt: number;
  keepOvernight: boolean;
  /** The request asked for more than the maximum lifetime allows. */
  capped: boolean;
}

const seconds = (at: Date | string): number => Math.floor(new Date(at).getTime() / 1000);

/**
 * The new expiry for an extend request. It never shortens an expiry, and it never goes past
 * `createdAt` + the maximum lifetime: the cap counts from creation, not from now, so repeated
 * extends cannot keep an environment alive for ever (a new one is a `/deploy` away).
 *
 * - `duration`: pushes the expiry out by that much (from now, if it is already due).
 * - `overnight`: sets keepOvernight, which spares it at the next nightly run; if the expiry would
 *   end it before that run anyway, the expiry moves to the nightly run after, so it lives through
 *   the night and ends with the next evening's shutdown.
 */
export const computeExtension = (
  record: Pick<DeploymentRecord, 'createdAt' | 'expiresAt' | 'keepOvernight'>,
  extension: Extension,
  now: Date,
  policy: Pick<ReaperPolicy, 'maxLifetimeSeconds' | 'nightly'>,
): ExtensionResult => {
  const cap = seconds(record.createdAt) + policy.maxLifetimeSeconds;
  let wanted = record.expiresAt;
  let keepOvernight = record.keepOvernight;
  if (extension.kind === 'duration') {
    wanted = Math.max(record.expiresAt, seconds(now)) + extension.seconds;
  } else {
    keepOvernight = true;
    if (isTonight(new Date(record.expiresAt * 1000), now, policy.nightly)) {
      const following = nextNightlyRun(nextNightlyRun(now, policy.nightly), policy.nightly);
      wanted = Math.max(record.expiresAt, seconds(following));
    }
  }
  return {
    expiresAt: Math.max(record.expiresAt, Math.min(wanted, cap)),
    keepOvernight,
    capped: wanted > cap,
  };
};
