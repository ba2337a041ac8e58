import type { TransitionRequest } from '@branch-envs/shared/deployments/repository';
import type { DeploymentStatus } from '@branch-envs/shared/deployments/states';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Owner } from '@branch-envs/shared/events/common';
import type { Log } from '@branch-envs/shared/log';
import type { Publisher } from '@branch-envs/shared/publish';
import type { QueuePorts } from './deployQueue';
import type { NightlyConfig } from './nightlySchedule';

/** The knobs of reaping, from config (README, Configuration). Durations are in seconds. */
export interface ReaperPolicy {
  /** Slack user ids that may act on anyone's environment and use `/terminate all`. */
  adminUsers: ReadonlySet<string>;
  warnBeforeSeconds: number;
  /** No extension moves an expiry past `createdAt` + this. */
  maxLifetimeSeconds: number;
  nightly: NightlyConfig;
  /** A nightly invocation delivered later than this after its scheduled time does nothing. */
  nightlyMaxLatenessSeconds: number;
  /** How long a TERMINATING record is left to whoever claimed it before the sweep finishes it. */
  terminatingGraceSeconds: number;
  /** How long after its last step a record is exempt from "its instance is gone". */
  reconcileGraceSeconds: number;
  /** The resolver's request age limit: an older request is never resolved (its `maxRequestAgeSeconds`). */
  maxRequestAgeSeconds: number;
  /** How long past that limit a REQUESTED record is left before the sweep ends it as lost. */
  staleRequestGraceSeconds: number;
  /** End a branch's environments when its pull request is merged or closed (PullRequestClosed). */
  terminateOnPrClose: boolean;
}

/** A change of expiry, applied only while the record is live and still has `expectedExpiresAt`. */
export interface ExpiryChange {
  expectedExpiresAt: number;
  expiresAt: number;
  keepOvernight: boolean;
  /** Kept when the change leaves the end the owner was warned about where it was; otherwise cleared. */
  expiryWarnedFor?: number;
  step: string;
  note: string;
  at: Date;
}

/**
 * The deployments table as the reaper uses it: the shared repository's conditional transitions,
 * tombstones and GSI queries, plus the expiry fields the reaper owns (README, "Who writes what").
 */
export interface DeploymentStore {
  get(deployId: string): Promise<DeploymentItem | undefined>;
  /**
   * Consistent reads of many keys at once. Absent keys are in neither set; an item that exists
   * but does not parse is `unreadable`, so it is never mistaken for "no record".
   */
  getMany(
    deployIds: readonly string[],
  ): Promise<{ found: Map<string, DeploymentItem>; unreadable: Set<string> }>;
  /** The status+expiresAt GSI: records in `status` whose expiresAt is at or before `epochSeconds`. */
  expiringBy(status: DeploymentStatus, epochSeconds: number): AsyncIterable<DeploymentRecord>;
  /** Every record in one status, soonest expiry first (the same GSI, no upper bound). */
  byStatus(status: DeploymentStatus): AsyncIterable<DeploymentRecord>;
  byOwner(ownerId: string): AsyncIterable<DeploymentRecord>;
  byBranch(branch: string): AsyncIterable<DeploymentRecord>;
  /** Throws TransitionConflictError when the record is not in an allowed state. */
  transition(deployId: string, request: TransitionRequest): Promise<DeploymentRecord>;
  putTombstone(deployId: string, requestedBy: Owner, at: Date): Promise<boolean>;
  /**
   * Sets expiryWarnedFor = `warnedFor` (the end warned about: the expiry, or the nightly run) while the
   * expiry is still `expiresAt`, unless it already is; false when another sweep won.
   */
  markWarned(deployId: string, expiresAt: number, warnedFor: number): Promise<boolean>;
  /** Undoes markWarned after a failed publish, so the next sweep warns again. */
  unmarkWarned(deployId: string, warnedFor: number): Promise<void>;
  /** Undefined when the record changed meanwhile (not live, or another expiry). */
  changeExpiry(deployId: string, change: ExpiryChange): Promise<DeploymentRecord | undefined>;
  /** Ends a keepOvernight flag once the night it was set for has passed. */
  clearKeepOvernight(deployId: string, at: Date): Promise<boolean>;
}

export interface ManagedInstance {
  instanceId: string;
  state: string;
  /** The `DeployId` tag, when present. */
  deployId: string | undefined;
  branch: string | undefined;
}

/**
 * What happened to one termination candidate:
 * - `terminated`: it carried ManagedBy=branch-envs and TerminateInstances accepted it;
 * - `gone`: it does not exist or is already shutting down or terminated;
 * - `untagged`: it exists without ManagedBy=branch-envs and was left alone;
 * - `mismatch`: it is managed but its DeployId tag names another deployment, and was left alone;
 * - `failed`: TerminateInstances refused it, even after retries.
 */
export type TerminationOutcome = 'terminated' | 'gone' | 'untagged' | 'mismatch' | 'failed';

export interface TerminationCandidate {
  instanceId: string;
  /** When set, an instance whose DeployId tag names another deployment is left alone. */
  deployId?: string;
}

/** One instance as DescribeInstances shows it in any state, with the tags that say whose it is. */
export interface DescribedInstance extends ManagedInstance {
  /** It carries ManagedBy=branch-envs. */
  managed: boolean;
  /** The `Stage` tag, when present. */
  stage: string | undefined;
}

export interface InstanceFleet {
  /**
   * The one way to terminate anything: checks every candidate's tags with DescribeInstances first
   * and terminates only those with ManagedBy=branch-envs (and no other deployment's DeployId), in batches.
   */
  terminateManaged(candidates: readonly TerminationCandidate[]): Promise<Map<string, TerminationOutcome>>;
  /** Every managed instance that is pending, running, stopping or stopped, across all pages. */
  listManaged(): AsyncIterable<ManagedInstance>;
  /** Of these ids, the managed instances that still exist and are not shutting down or terminated. */
  findManaged(instanceIds: readonly string[]): Promise<Map<string, ManagedInstance>>;
  /**
   * One instance in whatever state (EC2 still describes a terminated one for about an hour), or
   * undefined when EC2 does not know it. Reads only; terminating still goes through terminateManaged.
   */
  describe(instanceId: string): Promise<DescribedInstance | undefined>;
}

/** Counters for dashboards and alarms (EMF metrics in Lambda). */
export interface Telemetry {
  count(name: string, value?: number): void;
}

export interface ReaperDeps {
  deployments: DeploymentStore;
  fleet: InstanceFleet;
  publisher: Publisher<'reaper'>;
  policy: ReaperPolicy;
  clock: () => Date;
  telemetry: Telemetry;
  log: Log;
  /** The deploy queue (ADR 0025); without it, sweeps and terminations leave the queue alone. */
  queue?: QueuePorts;
}
