import type { DeploymentStatus } from '@branch-envs/shared/deployments/states';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { STEPS } from '../history';
import type { ProvisionerPorts, QuotaRejection } from '../ports';
import type { ProvisionSettings } from '../settings';
import type { Job, ProvisionDeps, Step } from './job';
import { quotaFor, rejectRequest, republishRejection, resolveRecord } from './requested';
import { announce, answerTermination, launch, republishFailure, resumeLaunch } from './steps';

/**
 * REQUESTED (the record ingress wrote when the user asked): the quota, then `→ RESOLVED` and the
 * launch; over the quota `→ REJECTED`. A record that moved on meanwhile resumes from its state.
 */
export const resolveRequested: Step = async (job, _record, deps) => {
  const verdict = await quotaFor(job, deps);
  if (!verdict.allowed) return rejectRequest(job, verdict, deps);
  const resolved = await resolveRecord(job, deps);
  if (resolved) return launch(job, resolved, deps);
  const current = await deps.ports.repository.get(job.detail.data.deployId);
  if (current) return resume(job, current, deps);
};

/**
 * The provisioner's state table: what a BranchResolved does with the record it finds. States
 * without a step are finished: READY and TERMINATED; REJECTED only answers its rejection again. LAUNCHING on a redelivery means the
 * delivery that won the claim died before owning its instance (`resumeLaunch`).
 */
export const STEP_BY_STATUS: Readonly<Record<DeploymentStatus, Step | undefined>> = {
  REQUESTED: resolveRequested,
  RESOLVED: launch,
  LAUNCHING: resumeLaunch,
  RUNNING: announce,
  READY: undefined,
  TERMINATING: answerTermination,
  TERMINATED: undefined,
  REJECTED: republishRejection,
  FAILED: republishFailure,
};

/**
 * Handles BranchResolved (docs/architecture.md §3–§5): the step of the record's state, the record being the one
 * ingress wrote at request time. Without one (an event from before records were born with the
 * request), quota and record first. Every step that changes the record is a conditional write, so
 * duplicates, replays and a terminate racing the launch each end with at most one instance and a
 * record that owns it. Errors of our own stores and bus are thrown, so SQS retries the event; the
 * table then resumes where it stopped.
 */
export const provision = async (job: Job, deps: ProvisionDeps): Promise<void> => {
  const { repository, now } = deps.ports;
  const existing = await repository.get(job.detail.data.deployId);
  if (existing) return resume(job, existing, deps);
  const verdict = await quotaFor(job, deps);
  if (!verdict.allowed) return reject(job, verdict, deps);
  const record = newRecord(job.detail, now());
  const created = await repository.create(record);
  if (!created.created) return resume(job, created.existing, deps);
  return launch(job, record, deps);
};

/** Over a quota: a record that exists already resumes (judged as before), else DeployRejected and no record. */
const reject = async (job: Job, rejection: QuotaRejection, deps: ProvisionDeps): Promise<void> => {
  const existing = await deps.ports.repository.get(job.detail.data.deployId);
  if (existing) return resume(job, existing, deps);
  job.log.info('Rejecting the deployment: quota reached', { scope: rejection.scope, limit: rejection.limit });
  await deps.ports.events.rejected(job.detail, rejection);
};

/** The record existed already: a redelivery, a replay, or a terminate that came first (a tombstone). */
export const resume = async (job: Job, existing: DeploymentItem, deps: ProvisionDeps): Promise<void> => {
  if (existing.kind === 'tombstone') {
    job.log.info('A terminate came before the launch; launching nothing');
    await deps.ports.events.terminated(job.detail, { terminatedBy: existing.requestedBy.userId });
    return;
  }
  job.log.info('The deployment record exists already', { status: existing.status });
  await STEP_BY_STATUS[existing.status]?.(job, existing, deps);
};

/** The provisioner as the handler sees it; ports and settings are bound once per cold start. */
export const createProvisioner = (ports: ProvisionerPorts, settings: ProvisionSettings) => {
  const deps: ProvisionDeps = { ports, settings };
  return { handle: (job: Job): Promise<void> => provision(job, deps) };
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
