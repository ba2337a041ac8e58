import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { ExtendRequested } from '@branch-envs/shared/events/ExtendRequested';
import { overnightEnd, sparesTonight } from '@branch-envs/shared/lifetime';
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
 * - `overnight` (ADR 0012): it lives until the nightly shutdown of the next calendar day in the
 *   schedule's zone. keepOvernight is set only when tonight's run comes before that, so the flag never
 *   spares a run the user did not ask about; the expiry moves out to that run when it would end sooner.
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
    const until = overnightEnd(now, policy.nightly);
    keepOvernight = sparesTonight(until, now, policy.nightly);
    wanted = Math.max(record.expiresAt, seconds(until));
  }
  return {
    expiresAt: Math.max(record.expiresAt, Math.min(wanted, cap)),
    keepOvernight,
    capped: wanted > cap,
  };
};
