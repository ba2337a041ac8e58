import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import { rejectRequested } from '@branch-envs/shared/deployments/requestRecords';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import type { RequestRegistry } from '../domain/ports';

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
    if (!outcome.created) throw new TransitionConflictError(record.deployId, 'a record with this id exists');
  },
  async abandon(deployId, note) {
    // A record that moved on means the request did reach the bus after all: nothing to undo.
    await rejectRequested(repository, deployId, { step: 'not sent', note, at: now() });
  },
});
