import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import type { Cause } from '@branch-envs/shared/publish';
import type { Failure } from '../failures';
import { endsWithFailure, failedStep, STEPS } from '../history';
import type { DetectedBy, InstanceObservation, Log, ProberPorts, ReadinessSettings } from '../ports';
import { buildAppUrl, healthUrl } from './appUrl';

/** The deployment and instance a readiness step is about, and the event its outcome is caused by. */
export interface ReadinessTarget {
  deployId: string;
  instanceId: string;
  /** The InstanceLaunched event (or its id and correlation): both paths publish the same eventIds. */
  cause: Cause;
}

/** What the probe and the phone-home use: the ports and the settings, fixed at cold start. */
export interface ReadinessDeps {
  ports: ProberPorts;
  settings: ReadinessSettings;
}

export type AppCheck = { ready: true; url: string } | { ready: false; last: string; url?: string };

/** Marks the READY history entry of a phone-home for the people reading the history; never parsed. */
const PHONE_HOME_NOTE = ' (phone-home)';

/** What a readiness step did; the handlers log it, the bench counts it. */
export type ReadinessOutcome = 'ready' | 'waiting' | 'failed' | 'terminated' | 'ignored' | 'republished';

/*
 * The steps the probe loop and the phone-home share: ask the app, and end the deployment READY or
 * FAILED with a conditional write. Whichever path wins the write publishes; the loser finds the
 * record moved on and does nothing, unless a terminate won, and then the instance goes at once.
 */

/** Asks the app for its health, once the instance runs and has the address the URL template needs. */
export const checkApp = async (
  instanceId: string,
  observation: InstanceObservation,
  { ports, settings }: ReadinessDeps,
): Promise<AppCheck> => {
  if (observation.state === 'missing')
    return { ready: false, last: 'the instance is not visible in EC2 yet' };
  if (observation.state !== 'running') return { ready: false, last: `the instance is ${observation.state}` };
  const built = buildAppUrl(settings.appUrlTemplate, { instanceId, ...observation });
  if ('missing' in built) return { ready: false, last: `the instance has no ${built.missing} yet` };
  const result = await ports.health.check(healthUrl(built.url, settings.healthPath));
  return result.healthy
    ? { ready: true, url: built.url }
    : { ready: false, last: result.observation, url: built.url };
};

/** Lost a conditional write: only a terminate can have won it, and then the instance goes now. */
const afterConflict = async (target: ReadinessTarget, ports: ProberPorts): Promise<ReadinessOutcome> => {
  const current = await ports.repository.get(target.deployId);
  if (current?.status !== 'TERMINATING') return 'ignored';
  await ports.instances.terminate(target.instanceId);
  return 'terminated';
};

/** RUNNING → READY with the URL and how it was detected (kept, so a re-published InstanceReady says the same). */
export const markReady = async (
  target: ReadinessTarget,
  url: string,
  detectedBy: DetectedBy,
  { ports }: ReadinessDeps,
  log: Log,
): Promise<ReadinessOutcome> => {
  let record: DeploymentRecord;
  try {
    record = await ports.repository.transition(target.deployId, {
      to: 'READY',
      from: ['RUNNING'],
      step: STEPS.ready,
      at: ports.now(),
      note: detectedBy === 'phone_home' ? `${url}${PHONE_HOME_NOTE}` : url,
      set: { url, detectedBy },
      // A lost answer whose re-send found this write done (chaos run 2, ADR 0018). The same path
      // winning elsewhere (a second probe chain) publishes the same eventId, dropped downstream.
      isOwnWrite: (current) => current.detectedBy === detectedBy && current.url === url,
    });
  } catch (error) {
    if (!(error instanceof TransitionConflictError)) throw error;
    return afterConflict(target, ports);
  }
  await ports.events.ready(target.cause, record, target.instanceId, url, detectedBy);
  log.info('Deployment ready', { deployId: target.deployId, instanceId: target.instanceId, url, detectedBy });
  return 'ready';
};

/** Ends the deployment as FAILED, then terminates the instance unless it is kept or already gone. */
export const failReadiness = async (
  target: ReadinessTarget,
  record: DeploymentRecord,
  failure: Failure,
  instance: { kept: boolean; terminate: boolean },
  { ports }: ReadinessDeps,
): Promise<ReadinessOutcome> => {
  try {
    await ports.repository.transition(target.deployId, {
      to: 'FAILED',
      from: ['RUNNING'],
      step: failedStep(failure.reason),
      note: failure.message,
      at: ports.now(),
      isOwnWrite: endsWithFailure(failure),
    });
  } catch (error) {
    if (!(error instanceof TransitionConflictError)) throw error;
    return afterConflict(target, ports);
  }
  if (instance.terminate) await ports.instances.terminate(target.instanceId);
  await ports.events.failed(target.cause, record, failure, {
    instanceId: target.instanceId,
    instanceKept: instance.kept,
  });
  return 'failed';
};
