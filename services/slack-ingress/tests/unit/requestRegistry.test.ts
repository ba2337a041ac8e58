import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import { createRequestRegistry } from '../../src/adapters/requestRegistry';
import { deploymentItem } from '../helpers/factories';

/** A repository whose create finds `existing` already there, as after a PutItem retried by the SDK. */
const repositoryFinding = (existing: DeploymentRecord | undefined): DeploymentRepository =>
  ({
    create: async () => (existing ? { created: false, existing } : { created: true }),
  }) as unknown as DeploymentRepository;

const requested = (): DeploymentRecord => ({ ...deploymentItem(), status: 'REQUESTED' }) as DeploymentRecord;

describe('createRequestRegistry.open', () => {
  it('a /deploy whose REQUESTED PutItem answer was lost failed with "a record with this id exists": its own record is success', async () => {
    // Prepare: the first attempt was applied, its answer lost; the retry found that very record.
    const record = requested();
    const registry = createRequestRegistry(repositoryFinding({ ...record }), () => new Date());

    // Act / Assess
    await expect(registry.open(record)).resolves.toBeUndefined();
  });

  it('a record of someone else or further on is still a conflict', async () => {
    const record = requested();
    const other = {
      ...record,
      ownerId: 'U0SOMEONE',
      createdAt: '2026-01-01T00:00:00.000Z',
    } as DeploymentRecord;
    const moved = { ...record, status: 'RESOLVED' } as DeploymentRecord;

    await expect(
      createRequestRegistry(repositoryFinding(other), () => new Date()).open(record),
    ).rejects.toThrow(TransitionConflictError);
    await expect(
      createRequestRegistry(repositoryFinding(moved), () => new Date()).open(record),
    ).rejects.toThrow(TransitionConflictError);
  });

  it('a new record is created', async () => {
    await expect(
      createRequestRegistry(repositoryFinding(undefined), () => new Date()).open(requested()),
    ).resolves.toBeUndefined();
  });
});
