import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import { type Failure, isLaunchError, launchFailure, preparationFailure } from '../failures';
import { endsWithFailure, failedStep, recordedFailure, STEPS, stepTime, wasClaimed } from '../history';
import type { LaunchedInstance, LaunchSpec } from '../ports';
import { launchedBuild } from '../update/builds';
import type { Job, ProvisionDeps, Step } from './job';
import { capacityOf, launchAttempts, launchWithFallback } from './launchPlan';
import { announceLaunch, launchSpecFor, phoneHomeClaim } from './launchSpec';
import { ownership } from './pricing';

/**
 * RESOLVED: prepare everything, claim RESOLVED → LAUNCHING (the guard against duplicate launches),
 * run the instance and own it. Every write is conditional, so of several deliveries one launches.
 */
export const launch: Step = async (job, record, deps) => {
  const spec = await prepare(job, record, deps);
  if ('failure' in spec) return fail(job, spec.failure, 'RESOLVED', deps);
  const claimed = await claim(job, spec, deps);
  if (!claimed) return lostClaim(job, deps);
  const instance = await runInstance(job, spec, claimed, deps);
  if ('failure' in instance) return fail(job, instance.failure, 'LAUNCHING', deps);
  return own(job, instance, deps);
};

/**
 * LAUNCHING on a redelivery: the delivery that won the claim died (a crash, or a write that kept
 * failing) somewhere between the claim and owning its instance (issue 17's chaos run). Its
 * idempotency record has expired, so nobody else is launching: adopt the instance tagged with this
 * deployId if RunInstances got that far, else fail the deployment so the user hears why and nothing
 * is left half-launched. Relaunching is not safe here: the phone-home token is in the record only as a
 * hash, and a RunInstances with other parameters under the same ClientToken is refused by EC2.
 */
export const resumeLaunch: Step = async (job, record, deps) => {
  const claimedAt = stepTime(record, STEPS.launching)?.getTime() ?? 0;
  if (deps.ports.now().getTime() - claimedAt < CLAIMER_MAY_STILL_RUN_MS) throw new LaunchInProgressError();
  const instance = await deps.ports.instances.launchedFor(job.detail.data.deployId);
  if (instance) {
    job.log.warn('Adopting the instance of an interrupted launch', { instanceId: instance.instanceId });
    return own(job, instance, deps);
  }
  return fail(job, interruptedLaunch, 'LAUNCHING', deps);
};

/**
 * How long after its claim the claimer may still be launching: the provision function's timeout (60 s)
 * with a margin. Until then a copy of the event (another eventId, so not deduplicated) must not judge
 * the launch interrupted: it is retried, and by then the record is RUNNING or the claimer is dead.
 */
export const CLAIMER_MAY_STILL_RUN_MS = 90_000;

/** Thrown so the message comes back later, when the claimer has either owned its instance or died. */
export class LaunchInProgressError extends Error {
  public constructor() {
    super('Another delivery claimed this launch moments ago and may still be launching; retrying later');
    this.name = 'LaunchInProgressError';
  }
}

const interruptedLaunch: Failure = {
  reason: 'launch_error',
  message: 'The launch was interrupted before an instance started, so nothing is running. Deploy again.',
  hints: [],
};

/**
 * RUNNING: announce the instance the record owns again (the same InstanceLaunched eventId, so
 * deduplicated) and start one more probe chain, in case the first announcement was lost.
 */
export const announce: Step = async (job, record, { ports, settings }) => {
  if (!record.instanceId) return;
  return announceLaunch(ports, settings.readiness, job.detail, record, {
    instanceId: record.instanceId,
    instanceType: record.instanceType ?? 'unknown',
    market: record.market ?? 'on-demand',
  });
};

/**
 * TERMINATING: a terminate that came before anyone claimed the launch; nothing was launched, so
 * the user hears InstanceTerminated now. If the launch was claimed, its claimer kills what it
 * launched (see `own`), and this delivery does nothing.
 */
export const answerTermination: Step = async (job, record, { ports }) => {
  if (record.instanceId || wasClaimed(record)) return;
  await ports.events.terminated(job.detail, {});
};

/** FAILED, with nothing launched: publish the recorded failure again (same eventId, so deduplicated). */
export const republishFailure: Step = async (job, record, { ports }) => {
  const failure = recordedFailure(record);
  if (failure && !record.instanceId)
    await ports.events.failed(job.detail.metadata, record, { ...failure, hints: [] });
};

/** Everything that can fail before the claim: a failure here is retried, or reported with nothing launched. */
const prepare = async (
  job: Job,
  record: DeploymentRecord,
  { ports, settings }: ProvisionDeps,
): Promise<LaunchSpec | { failure: Failure }> => {
  try {
    return await launchSpecFor(job.detail.data, record.expiresAt, settings.app, ports);
  } catch (error) {
    const failure = preparationFailure(error) ?? (isLaunchError(error) ? launchFailure(error) : undefined);
    if (!failure) throw error;
    job.log.warn('The deployment cannot be launched', { reason: failure.reason, error: failure.message });
    return { failure };
  }
};

/**
 * RESOLVED → LAUNCHING, recording the phone-home credential: the record as written (so the launch
 * sees a [Keep overnight] pressed before it), or undefined when another delivery won.
 */
const claim = async (
  job: Job,
  spec: LaunchSpec,
  { ports }: ProvisionDeps,
): Promise<DeploymentRecord | undefined> => {
  try {
    return await ports.repository.transition(spec.deployId, {
      to: 'LAUNCHING',
      from: ['RESOLVED'],
      step: STEPS.launching,
      at: ports.now(),
      // What it runs, so a newer build of the branch can be told apart later (ADR 0021).
      set: { ...phoneHomeClaim(job.detail, spec), build: launchedBuild(job.detail.data) },
      // The token is new for each delivery, so finding it means the claim whose answer was lost was ours.
      isOwnWrite: (current) =>
        spec.phoneHomeTokenSha256 !== undefined &&
        current.phoneHome?.tokenSha256 === spec.phoneHomeTokenSha256,
    });
  } catch (error) {
    if (!(error instanceof TransitionConflictError)) throw error;
    return undefined;
  }
};

/** RunInstances through the fallback plan; a launch error that remains is the deployment's failure. */
const runInstance = async (
  job: Job,
  spec: LaunchSpec,
  record: DeploymentRecord,
  { ports, settings }: ProvisionDeps,
): Promise<LaunchedInstance | { failure: Failure }> => {
  try {
    return await launchWithFallback(
      launchAttempts(settings.launch, capacityOf(record)),
      (attempt, index) => ports.instances.run(spec, attempt, index),
      (attempt, error) =>
        job.log.warn('No capacity; trying the next choice', { ...attempt, code: error.ec2Code }),
    );
  } catch (error) {
    if (!isLaunchError(error)) throw error;
    job.log.warn('The launch failed', { code: error.ec2Code, error: error.message });
    return { failure: launchFailure(error) };
  }
};

/** LAUNCHING → RUNNING with the new instance, then the announcement; if a terminate won, the instance dies. */
const own = async (job: Job, instance: LaunchedInstance, deps: ProvisionDeps): Promise<void> => {
  const { ports, settings } = deps;
  let record: DeploymentRecord;
  try {
    record = await ports.repository.transition(job.detail.data.deployId, {
      to: 'RUNNING',
      from: ['LAUNCHING'],
      step: STEPS.launched,
      at: ports.now(),
      note: `${instance.instanceId} ${instance.instanceType} ${instance.market}${instance.subnetId ? ` in ${instance.subnetId}` : ''}`,
      set: ownership(instance, settings.pricing, ports.now()),
      isOwnWrite: (current) => current.instanceId === instance.instanceId,
    });
  } catch (error) {
    if (!(error instanceof TransitionConflictError)) throw error;
    return killLaunched(job, instance, deps);
  }
  job.log.info('Instance launched', {
    deployId: job.detail.data.deployId,
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
  });
  return announceLaunch(ports, settings.readiness, job.detail, record, instance);
};

/** The record became TERMINATING during the launch: terminate what was just launched, and say so. */
const killLaunched = async (
  job: Job,
  instance: LaunchedInstance,
  { ports }: ProvisionDeps,
): Promise<void> => {
  job.log.info('The deployment was terminated during the launch; terminating its instance', {
    instanceId: instance.instanceId,
  });
  await ports.instances.terminate(instance.instanceId);
  const current = await ports.repository.get(job.detail.data.deployId);
  if (current?.status === 'TERMINATING') {
    await ports.events.terminated(job.detail, { instanceId: instance.instanceId });
  }
};

/** Lost a conditional write before any instance: only an unclaimed TERMINATING needs an answer. */
const lostClaim = async (job: Job, { ports }: ProvisionDeps): Promise<void> => {
  const current = await ports.repository.get(job.detail.data.deployId);
  if (current?.kind === 'deployment' && current.status === 'TERMINATING' && !wasClaimed(current)) {
    await ports.events.terminated(job.detail, {});
    return;
  }
  job.log.info('Another delivery claimed this launch', { status: current?.status });
};

/** → FAILED from where the launch stopped, then DeployFailed; a lost write is answered like a lost claim. */
const fail = async (
  job: Job,
  failure: Failure,
  from: 'RESOLVED' | 'LAUNCHING',
  deps: ProvisionDeps,
): Promise<void> => {
  const { ports } = deps;
  try {
    await ports.repository.transition(job.detail.data.deployId, {
      to: 'FAILED',
      from: [from],
      step: failedStep(failure.reason),
      note: failure.message,
      at: ports.now(),
      // Another delivery failing the same way is the same answer: DeployFailed is published either way.
      isOwnWrite: endsWithFailure(failure),
    });
  } catch (error) {
    if (!(error instanceof TransitionConflictError)) throw error;
    return lostClaim(job, deps);
  }
  await ports.events.failed(job.detail.metadata, job.detail.data, failure);
};
