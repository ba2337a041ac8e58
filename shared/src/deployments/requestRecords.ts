import { TransitionConflictError } from '../errors';
import type { RejectionReason } from '../events/DeployRejected';
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
  { step, note, at, rejection }: { step: string; note: string; at: Date; rejection?: RejectionReason },
): Promise<boolean> => {
  try {
    const set = rejection ? { rejection } : undefined;
    await repository.transition(deployId, {
      to: 'REJECTED',
      from: ['REQUESTED'],
      step,
      note,
      at,
      ...(set ? { set } : {}),
    });
    return true;
  } catch (error) {
    if (error instanceof TransitionConflictError) return false;
    throw error;
  }
};
