import { branchOf, type DeploymentRecord, type UpdateInFlight } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import { endUpdate } from './endUpdate';
import type { UpdateDeps } from './ports';
import { UpdateInputError, updateInputFor } from './updateInput';

/** SSM's answers that mean the command can never reach this instance: no retry helps. */
const UNDELIVERABLE = new Set(['InvalidInstanceId', 'InvalidDocument', 'UnsupportedPlatformType']);

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * How long the instance may take: fetch, start the new build within the boot timeout, and, when it
 * is not healthy, start the previous one within it again.
 */
export const commandTimeoutSeconds = (bootTimeoutSeconds: number): number => 2 * bootTimeoutSeconds + 300;

/**
 * Sends the started update to the instance through the stack's update document, records the
 * command, and schedules the first check of its result on the provisioner's own queue. An update
 * that cannot be delivered ends at once as `not_delivered`; the old build keeps running, and the
 * build that waited meanwhile, if any, is returned to be offered next.
 */
export const sendUpdate = async (record: DeploymentRecord, deps: UpdateDeps): Promise<Build | undefined> => {
  const { ports, settings } = deps;
  const update = record.update as UpdateInFlight;
  const instanceId = record.instanceId as string;
  let commandId: string;
  try {
    const input = await updateInputFor(
      { ...update, deployId: record.deployId, branch: branchOf(record) },
      { artifacts: settings.artifacts, app: settings.app, bucket: settings.artifactBucket },
      ports.links,
    );
    commandId = await ports.commands.send({
      documentName: settings.documentName,
      instanceId,
      parameters: { UpdateInput: input },
      timeoutSeconds: commandTimeoutSeconds(settings.bootTimeoutSeconds),
      comment: `branch-envs update ${update.sequence} of ${record.deployId}`,
    });
  } catch (error) {
    const name = errorName(error);
    if (!(error instanceof UpdateInputError) && !UNDELIVERABLE.has(name ?? '')) throw error;
    const message = `The update could not be sent to ${instanceId} (${error instanceof Error ? error.message : name}); the environment keeps its build.`;
    return endUpdate(
      record,
      { kind: 'failed', reason: 'not_delivered', message, oldBuildRunning: true },
      deps,
    );
  }
  if (!(await ports.store.attachCommand(record.deployId, update.sequence, commandId))) return undefined;
  const deadline = new Date(
    Date.parse(update.startedAt) + commandTimeoutSeconds(settings.bootTimeoutSeconds) * 1000,
  );
  await ports.checks.schedule(
    {
      kind: 'update-check',
      deployId: record.deployId,
      sequence: update.sequence,
      attempt: 1,
      deadline: deadline.toISOString(),
    },
    settings.checkIntervalSeconds,
  );
  deps.log.info('Update sent', {
    deployId: record.deployId,
    instanceId,
    commandId,
    sequence: update.sequence,
  });
  return undefined;
};
