import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { rejectRequested } from '@branch-envs/shared/deployments/requestRecords';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import type { RequestRegistry } from '../domain/ports';

/**
 * The deployId is a ULID this invocation just made, so a REQUESTED record with it, our owner and our
 * createdAt is this write itself: the SDK retried a PutItem whose first answer was lost (a timeout or
 * a reset after DynamoDB applied it), and the retry's condition failed on it (issue 17's chaos run).
 */
const isOurOwnWrite = (
  existing: { kind?: string; status?: string; ownerId?: string; createdAt?: string },
  record: { ownerId?: string; createdAt?: string },
): boolean =>
  existing.kind === 'deployment' &&
  existing.status === 'REQUESTED' &&
  existing.ownerId === record.ownerId &&
  existing.createdAt === record.createdAt;

/**
 * Ingress's only writes to the deployments table: the REQUESTED record born with a `/deploy`, and,
 * if the request then cannot be published, its end as REJECTED so no record waits for nothing.
 */
export const createRequestRegistry = (
  repository: DeploymentRepository,
  now: () => Date,
): RequestRegistry => ({
  async open(record) {
    const outcome = await repository.create(record);
    if (outcome.created || isOurOwnWrite(outcome.existing, record)) return;
    throw new TransitionConflictError(record.deployId, 'a record with this id exists');
  },
  async abandon(deployId, note) {
    // A record that moved on means the request did reach the bus after all: nothing to undo.
    await rejectRequested(repository, deployId, { step: 'not sent', note, at: now() });
  },
});
