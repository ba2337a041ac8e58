/**
 * The deployment state machine (docs/architecture.md §3). States only move forward, and every transition is a
 * conditional write on the current state, so a replayed or duplicated event can never bring back a
 * terminated environment or launch a second instance.
 */
export const DeploymentStatus = [
  'REQUESTED',
  'RESOLVED',
  'LAUNCHING',
  'RUNNING',
  'READY',
  'TERMINATING',
  'TERMINATED',
  'REJECTED',
  'FAILED',
] as const;
export type DeploymentStatus = (typeof DeploymentStatus)[number];

const transitions: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  REQUESTED: ['RESOLVED', 'REJECTED', 'TERMINATING'],
  RESOLVED: ['LAUNCHING', 'REJECTED', 'TERMINATING', 'FAILED'],
  LAUNCHING: ['RUNNING', 'READY', 'FAILED', 'TERMINATING'],
  RUNNING: ['READY', 'FAILED', 'TERMINATING'],
  READY: ['TERMINATING'],
  FAILED: ['TERMINATING', 'TERMINATED'],
  TERMINATING: ['TERMINATED'],
  TERMINATED: [],
  REJECTED: [],
};

/** The states a transition to `to` may start from: the condition of its conditional write. */
export const allowedPredecessors = (to: DeploymentStatus): DeploymentStatus[] =>
  DeploymentStatus.filter((from) => transitions[from].includes(to));

export const canTransition = (from: DeploymentStatus, to: DeploymentStatus): boolean =>
  transitions[from].includes(to);

/** States in which a deployment may own a running instance: what the reaper sweeps and lists show. */
export const LIVE_STATUSES: readonly DeploymentStatus[] = [
  'REQUESTED',
  'RESOLVED',
  'LAUNCHING',
  'RUNNING',
  'READY',
  'FAILED',
];

/** Before an instance exists: a terminate here only leaves a tombstone for the provisioner. */
export const PRE_LAUNCH_STATUSES: readonly DeploymentStatus[] = ['REQUESTED', 'RESOLVED', 'LAUNCHING'];

export const isLive = (status: DeploymentStatus): boolean => LIVE_STATUSES.includes(status);
