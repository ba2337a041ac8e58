import { TransitionConflictError } from '../errors';
import type { DeploymentRepository } from './repository';

/**
 * Ends a request's record `REQUESTED → REJECTED` (docs/architecture.md §3): the resolver when it
 * rejects, the provisioner over a quota, ingress when the request never reached the bus. False when
 * the record is not REQUESTED (it moved on, a terminate came first, or an event from before records
 * were born with the request has none): the rejection is still answered, nothing else is undone.
 */
export const rejectRequested = async (
  repository: Pick<DeploymentRepository, 'transition'>,
  deployId: string,
  { step, note, at }: { step: string; note: string; at: Date },
): Promise<boolean> => {
  try {
    await repository.transition(deployId, { to: 'REJECTED', from: ['REQUESTED'], step, note, at });
    return true;
  } catch (error) {
    if (error instanceof TransitionConflictError) return false;
    throw error;
  }
};
