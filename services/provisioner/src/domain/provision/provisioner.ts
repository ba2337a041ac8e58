import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { TransitionConflictError } from '@branch-envs/shared/errors';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { type Failure, isLaunchError, launchFailure, preparationFailure } from '../failures';
import { failedStep, recordedFailure, STEPS, wasClaimed } from '../history';
import { outgoing } from '../outgoing';
import type { LaunchedInstance, LaunchSpec, Log, ProvisionerPorts } from '../ports';
import type { ProvisionSettings } from '../settings';
import { launchAttempts, launchWithFallback } from './launchPlan';
import { announceLaunch, launchSpecFor, phoneHomeClaim } from './launchSpec';
import { checkQuota } from './quota';

export interface Job {
  detail: BranchResolved;
  log: Log;
}

/**
 * Handles BranchResolved (DESIGN §3–§5): quota, record, claim, launch, announce. Every step that
 * changes the record is a conditional write, so duplicates, replays and a terminate racing the
 * launch each end with at most one instance and a record that owns it. Errors of our own stores
 * and bus are thrown, so SQS retries the event; the state machine then resumes where it stopped.
 */
export const createProvisioner = (ports: ProvisionerPorts, settings: ProvisionSettings) => {
  const { repository } = ports;
  const events = outgoing(ports.publisher);

  const handle = async (job: Job): Promise<void> => {
    const { data } = job.detail;
    const verdict = await checkQuota(repository, settings.quota, {
      deployId: data.deployId,
      ownerId: data.owner.userId,
    });
    if (!verdict.allowed) {
      const existing = await repository.get(data.deployId);
      if (existing) return resume(job, existing);
      job.log.info('Rejecting the deployment: quota reached', { scope: verdict.scope, limit: verdict.limit });
      await events.rejected(job.detail, verdict);
      return;
    }
    const record = newRecord(job.detail, ports.now());
    const created = await repository.create(record);
    if (!created.created) return resume(job, created.existing);
    return launch(job, record);
  };

  /** The record existed already: a redelivery, a replay, or a terminate that came first. */
  const resume = async (job: Job, existing: DeploymentItem): Promise<void> => {
    if (existing.kind === 'tombstone') {
      job.log.info('A terminate came before the launch; launching nothing');
      await events.terminated(job.detail, { terminatedBy: existing.requestedBy.userId });
      return;
    }
    job.log.info('The deployment record exists already', { status: existing.status });
    return resumeRecord(job, existing);
  };

  /** Continues from the step the record shows; states owned by others, or finished, need nothing. */
  const resumeRecord = async (job: Job, existing: DeploymentRecord): Promise<void> => {
    switch (existing.status) {
      case 'RESOLVED':
        return launch(job, existing);
      case 'RUNNING':
        if (!existing.instanceId) return;
        return announce(job, existing, {
          instanceId: existing.instanceId,
          instanceType: existing.instanceType ?? 'unknown',
        });
      case 'TERMINATING':
        if (existing.instanceId || wasClaimed(existing)) return;
        return events.terminated(job.detail, {});
      case 'FAILED':
        return republishFailure(job, existing);
      default:
        return;
    }
  };

  const launch = async (job: Job, record: DeploymentRecord): Promise<void> => {
    const spec = await prepare(job, record);
    if ('failure' in spec) return fail(job, spec.failure, 'RESOLVED');
    try {
      await repository.transition(spec.deployId, {
        to: 'LAUNCHING',
        from: ['RESOLVED'],
        step: STEPS.launching,
        at: ports.now(),
        set: phoneHomeClaim(job.detail, spec),
      });
    } catch (error) {
      if (!(error instanceof TransitionConflictError)) throw error;
      return lostClaim(job);
    }
    let instance: LaunchedInstance;
    try {
      instance = await launchWithFallback(
        launchAttempts(settings.launch),
        (attempt, index) => ports.instances.run(spec, attempt, index),
        (attempt, error) =>
          job.log.warn('No capacity; trying the next choice', { ...attempt, code: error.ec2Code }),
      );
    } catch (error) {
      if (!isLaunchError(error)) throw error;
      job.log.warn('The launch failed', { code: error.ec2Code, error: error.message });
      return fail(job, launchFailure(error), 'LAUNCHING');
    }
    return own(job, instance);
  };

  /** Everything that can fail before the claim: a failure here is retried, or reported with nothing launched. */
  const prepare = async (job: Job, record: DeploymentRecord): Promise<LaunchSpec | { failure: Failure }> => {
    try {
      return await launchSpecFor(job.detail.data, record.expiresAt, settings.app, ports);
    } catch (error) {
      const failure = preparationFailure(error) ?? (isLaunchError(error) ? launchFailure(error) : undefined);
      if (!failure) throw error;
      job.log.warn('The deployment cannot be launched', { reason: failure.reason, error: failure.message });
      return { failure };
    }
  };

  /** Records the new instance; if a terminate won meanwhile, the instance dies at once. */
  const own = async (job: Job, instance: LaunchedInstance): Promise<void> => {
    const { deployId } = job.detail.data;
    let record: DeploymentRecord;
    try {
      record = await repository.transition(deployId, {
        to: 'RUNNING',
        from: ['LAUNCHING'],
        step: STEPS.launched,
        at: ports.now(),
        note: `${instance.instanceId} ${instance.instanceType}${instance.subnetId ? ` in ${instance.subnetId}` : ''}`,
        set: { instanceId: instance.instanceId, instanceType: instance.instanceType },
      });
    } catch (error) {
      if (!(error instanceof TransitionConflictError)) throw error;
      job.log.info('The deployment was terminated during the launch; terminating its instance', {
        instanceId: instance.instanceId,
      });
      await ports.instances.terminate(instance.instanceId);
      const current = await repository.get(deployId);
      if (current?.status === 'TERMINATING') {
        await events.terminated(job.detail, { instanceId: instance.instanceId });
      }
      return;
    }
    return announce(job, record, instance);
  };

  const announce = (job: Job, record: DeploymentRecord, instance: LaunchedInstance): Promise<void> =>
    announceLaunch({ ...ports, events }, settings.readiness, job.detail, record, instance);

  const lostClaim = async (job: Job): Promise<void> => {
    const current = await repository.get(job.detail.data.deployId);
    if (current?.kind === 'deployment' && current.status === 'TERMINATING' && !wasClaimed(current)) {
      await events.terminated(job.detail, {});
      return;
    }
    job.log.info('Another delivery claimed this launch', { status: current?.status });
  };

  const fail = async (job: Job, failure: Failure, from: 'RESOLVED' | 'LAUNCHING'): Promise<void> => {
    try {
      await repository.transition(job.detail.data.deployId, {
        to: 'FAILED',
        from: [from],
        step: failedStep(failure.reason),
        note: failure.message,
        at: ports.now(),
      });
    } catch (error) {
      if (!(error instanceof TransitionConflictError)) throw error;
      return lostClaim(job);
    }
    await events.failed(job.detail.metadata, job.detail.data, failure);
  };

  /** A FAILED record whose event may have been lost: publish it again (same eventId, so deduplicated). */
  const republishFailure = async (job: Job, record: DeploymentRecord): Promise<void> => {
    const failure = recordedFailure(record);
    if (failure && !record.instanceId)
      await events.failed(job.detail.metadata, record, { ...failure, hints: [] });
  };

  return { handle };
};

/** The record as the provisioner creates it: RESOLVED, with the GSI keys at the top level. */
export const newRecord = (detail: BranchResolved, now: Date): DeploymentRecord => {
  const { data } = detail;
  return {
    kind: 'deployment',
    deployId: data.deployId,
    status: 'RESOLVED',
    query: data.query,
    branch: data.branch,
    headSha: data.headSha,
    prNumber: data.prNumber,
    owner: data.owner,
    ownerId: data.owner.userId,
    channelId: data.replyTo.channelId,
    replyTo: data.replyTo,
    responseUrlUses: 0,
    createdAt: now.toISOString(),
    ttlSeconds: data.ttlSeconds,
    expiresAt: Math.floor(now.getTime() / 1000) + data.ttlSeconds,
    keepOvernight: false,
    history: [{ step: STEPS.resolved, at: now.toISOString() }],
    version: 0,
  };
};
