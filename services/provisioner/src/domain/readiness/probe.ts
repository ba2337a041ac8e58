import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { bootTimeoutFailure, debugHints, instanceStoppedFailure } from '../failures';
import { recordedFailure } from '../history';
import type { InstanceObservation, Log, ProberPorts, ReadinessSettings } from '../ports';
import { MAX_SQS_DELAY_SECONDS } from '../settings';
import type { ProbeMessage } from './probeMessage';
import {
  checkApp,
  failReadiness,
  markReady,
  type ReadinessDeps,
  type ReadinessOutcome,
} from './readinessSteps';

/** What one probe did; the handler logs it and the bench counts it. */
export type ProbeOutcome = ReadinessOutcome;

export interface ProbeContext {
  /** SQS delivered this message before (ApproximateReceiveCount > 1): an earlier try may have died midway. */
  redelivered: boolean;
  log: Log;
}

/** States from which the instance will not come back by itself; the last two mean it is gone. */
const STOPPED_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);
const GONE_STATES = new Set(['shutting-down', 'terminated']);
const MAX_LAST = 300;

/**
 * The delay before the next probe, in the whole seconds SQS accepts. A probe runs some time after
 * it was due (the poller's pickup, a cold start, the checks themselves); that lag, rounded up, is
 * taken off the interval, so consecutive health checks stay at most one interval apart and the app
 * turning healthy is seen within PROBE_INTERVAL_SECONDS. Never less than 1 s: no hot loop.
 */
export const nextDelay = (
  message: Pick<ProbeMessage, 'dueAt'>,
  now: number,
  intervalSeconds: number,
): number => {
  const lagSeconds = message.dueAt ? Math.max(0, Math.ceil((now - Date.parse(message.dueAt)) / 1000)) : 0;
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(1, intervalSeconds - lagSeconds));
};

/**
 * One step of the readiness loop (docs/architecture.md §5): re-read the record, look at the instance, ask the
 * app, then either finish (InstanceReady, DeployFailed) or send the next probe with a delay. No
 * Lambda ever waits. The record's state makes the probe idempotent: a probe for a deployment that
 * is no longer RUNNING does nothing, except that READY is re-published by every probe that finds it
 * (its writer, probe or phone-home, may have died before publishing) and FAILED by the redelivery of
 * the probe that finished it (same eventId, so consumers drop the copies).
 */
export const handleProbe = async (
  message: ProbeMessage,
  context: ProbeContext,
  deps: ReadinessDeps,
): Promise<ProbeOutcome> => {
  const record = await deps.ports.repository.get(message.deployId);
  if (record?.kind !== 'deployment' || record.instanceId !== message.instanceId) {
    context.log.warn('Dropping a probe for an instance the deployment does not own', {
      status: record?.status,
    });
    return 'ignored';
  }
  if (record.status === 'RUNNING') return probe(message, record, context.log, deps);
  if (record.status === 'TERMINATING') {
    context.log.info('The deployment is being terminated; terminating its instance and stopping the probes');
    await deps.ports.instances.terminate(message.instanceId);
    return 'terminated';
  }
  // READY found by any probe is announced again: the phone-home that wrote it may have died before
  // its publish and the instance given up retrying (chaos run 7). Same eventId, so deduplicated.
  if (record.status === 'READY' || (context.redelivered && record.status === 'FAILED')) {
    return republish(message, record, deps);
  }
  return 'ignored';
};

/** RUNNING: a stopped instance fails, a healthy app is READY, past the deadline is a boot timeout. */
const probe = async (
  message: ProbeMessage,
  record: DeploymentRecord,
  log: Log,
  deps: ReadinessDeps,
): Promise<ProbeOutcome> => {
  const { ports, settings } = deps;
  const observation = await ports.instances.describe(message.instanceId);
  if (observation.state !== 'missing' && STOPPED_STATES.has(observation.state)) {
    log.warn('The instance stopped before the app became healthy', { state: observation.state });
    return stopped(message, record, observation.state, deps);
  }
  const check = await checkApp(message.instanceId, observation, deps);
  if (check.ready) return markReady(message, check.url, 'probe', deps, log);
  if (ports.now().getTime() >= Date.parse(message.deadline)) {
    const kept = settings.keepFailedInstances;
    const context = { instanceId: message.instanceId, region: settings.region, kept };
    const failure = bootTimeoutFailure({ ...context, appUrl: check.url }, settings, check.last);
    log.warn('The app did not become healthy in time', { last: check.last, attempt: message.attempt });
    return failReadiness(message, record, failure, { kept, terminate: !kept }, deps);
  }
  await next(message, check.last, deps);
  return 'waiting';
};

/** The instance stopped or is gone before the app answered: FAILED, terminated unless kept or gone. */
const stopped = (
  message: ProbeMessage,
  record: DeploymentRecord,
  state: Exclude<InstanceObservation['state'], 'missing'>,
  deps: ReadinessDeps,
): Promise<ProbeOutcome> => {
  const { settings } = deps;
  const gone = GONE_STATES.has(state);
  const kept = settings.keepFailedInstances && !gone;
  const context = { instanceId: message.instanceId, region: settings.region, kept };
  return failReadiness(
    message,
    record,
    instanceStoppedFailure(context, state),
    {
      kept,
      terminate: !kept && !gone,
    },
    deps,
  );
};

const next = async (
  message: ProbeMessage,
  last: string,
  { ports, settings }: ReadinessDeps,
): Promise<void> => {
  const now = ports.now().getTime();
  const remaining = Math.ceil((Date.parse(message.deadline) - now) / 1000);
  const delay = Math.max(0, Math.min(nextDelay(message, now, settings.probeIntervalSeconds), remaining));
  const dueAt = new Date(now + delay * 1000).toISOString();
  await ports.probes.schedule(
    { ...message, attempt: message.attempt + 1, dueAt, last: last.slice(0, MAX_LAST) },
    delay,
  );
};

/** The outcome of a finished deployment again, for a redelivered probe (same eventId: deduplicated). */
const republish = async (
  message: ProbeMessage,
  record: DeploymentRecord,
  { ports, settings }: ReadinessDeps,
): Promise<ProbeOutcome> => {
  if (record.status === 'READY' && record.url) {
    const detectedBy = record.detectedBy ?? 'probe';
    await ports.events.ready(message.cause, record, message.instanceId, record.url, detectedBy);
    return 'republished';
  }
  const failure = recordedFailure(record);
  if (!failure) return 'ignored';
  const kept = settings.keepFailedInstances;
  const hints = debugHints(message.instanceId, settings.region, { kept });
  await ports.events.failed(
    message.cause,
    record,
    { ...failure, hints },
    { instanceId: message.instanceId, instanceKept: kept },
  );
  return 'republished';
};

/** The probe as the handler sees it; ports and settings are bound once per cold start. */
export const createProber = (ports: ProberPorts, settings: ReadinessSettings) => {
  const deps: ReadinessDeps = { ports, settings };
  return {
    handle: (message: ProbeMessage, context: ProbeContext): Promise<ProbeOutcome> =>
      handleProbe(message, context, deps),
  };
};
