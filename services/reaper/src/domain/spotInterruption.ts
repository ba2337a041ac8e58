import { isLive } from '@branch-envs/shared/deployments/states';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { scheduledCause } from './causes';
import type { DescribedInstance, ReaperDeps } from './ports';
import { handledBy, TERMINATING_STEP } from './terminationNote';
import {
  assertComplete,
  type TerminationOrder,
  type TerminationReport,
  terminateDeployments,
} from './terminations';

/** What the reaper reads of AWS's "EC2 Spot Instance Interruption Warning" (ADR 0028). */
export interface SpotInterruptionWarning {
  instanceId: string;
  /** `terminate` for our one-time Spot requests; `stop` and `hibernate` are ended all the same. */
  action: 'terminate' | 'stop' | 'hibernate';
}

/** Why a warning was acknowledged without touching anything. */
export type NotOursReason =
  | 'unknown_instance'
  | 'not_managed'
  | 'other_stage'
  | 'no_record'
  | 'record_names_another_instance';

export type SpotInterruptionOutcome =
  | { kind: 'not_ours'; why: NotOursReason }
  | { kind: 'already_ended'; deployId: string }
  | { kind: 'terminating'; deployId: string; report: TerminationReport };

/** The decision the record's history carries, so a redelivery resumes its own claim and no other. */
export const interruptionDecision = (instanceId: string): string => `spot-interrupted:${instanceId}`;

const notOursWhy = (instance: DescribedInstance | undefined, stage: string): NotOursReason | undefined => {
  if (!instance) return 'unknown_instance';
  if (!instance.managed) return 'not_managed';
  if (instance.stage !== stage) return 'other_stage';
  return instance.deployId ? undefined : 'no_record';
};

/** The live record the instance's DeployId tag names, checked against the record's own instanceId. */
const recordOf = async (
  instance: DescribedInstance,
  deps: ReaperDeps,
): Promise<DeploymentRecord | NotOursReason> => {
  const item = instance.deployId ? await deps.deployments.get(instance.deployId) : undefined;
  if (item?.kind !== 'deployment') return 'no_record';
  return item.instanceId === instance.instanceId ? item : 'record_names_another_instance';
};

const orderFor = (record: DeploymentRecord, instanceId: string, deps: ReaperDeps): TerminationOrder => {
  const cause = scheduledCause(record.deployId, interruptionDecision(instanceId), deps.clock());
  const resume =
    record.status === 'TERMINATING' && handledBy(record.history, TERMINATING_STEP, cause.eventId);
  return {
    record,
    reason: 'spot_interrupted',
    requestId: cause.eventId,
    cause,
    replyTo: record.replyTo,
    resume,
  };
};

/**
 * AWS is about to reclaim a Spot instance: the deployment it runs ends `TERMINATED` with reason
 * `spot_interrupted`, and InstanceTerminated v3 carries that to the message with [Redeploy].
 * Only an instance tagged ManagedBy=branch-envs and this stage, whose record names it, is acted
 * on; anything else is acknowledged and logged. The instance is terminated now (tag-checked, like
 * every termination), so a warning for a stop or hibernate leaves nothing behind. Every step is
 * keyed on the record: a redelivered warning finds it ended (or resumes its own claim).
 */
export const handleSpotInterruption = async (
  warning: SpotInterruptionWarning,
  deps: ReaperDeps,
  stage: string,
): Promise<SpotInterruptionOutcome> => {
  const instance = await deps.fleet.describe(warning.instanceId);
  const found =
    notOursWhy(instance, stage) ?? (instance ? await recordOf(instance, deps) : 'unknown_instance');
  if (typeof found === 'string') {
    deps.telemetry.count('SpotInterruptionsIgnored');
    deps.log.info('Spot interruption warning for an instance that is not ours; acknowledged', {
      instanceId: warning.instanceId,
      why: found,
    });
    return { kind: 'not_ours', why: found };
  }
  const order = orderFor(found, warning.instanceId, deps);
  if (!isLive(found.status) && !order.resume) return { kind: 'already_ended', deployId: found.deployId };
  deps.telemetry.count('SpotInterruptions');
  deps.log.info('AWS is reclaiming the Spot capacity of a deployment; ending it', {
    deployId: found.deployId,
    instanceId: warning.instanceId,
    action: warning.action,
  });
  const report = await terminateDeployments([order], deps);
  assertComplete(report.failed, report.errors);
  return { kind: 'terminating', deployId: found.deployId, report };
};
