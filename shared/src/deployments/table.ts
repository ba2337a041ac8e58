import * as z from 'zod';
import { Ulid } from '../envelope';
import { Build } from '../events/build';
import { BranchName, EpochSeconds, IsoDateTime, Owner, ReplyTo } from '../events/common';
import { RejectionReason } from '../events/DeployRejected';
import { Capacity } from '../pricing/capacity';
import { EnvironmentCost, Market } from '../pricing/cost';
import { DeploymentStatus } from './states';

/** Names fixed by the platform stack; other stacks find the table by convention (docs/architecture.md §7). */
export const DEPLOYMENTS_INDEXES = {
  byStatusExpiry: 'status-expiresAt',
  byOwner: 'ownerId-createdAt',
  byBranch: 'branch-createdAt',
} as const;

/** How long DynamoDB keeps a finished record before purging it (the `ttl` attribute). */
export const FINISHED_RECORD_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * Set by the provisioner when it claims a launch with phone-home on: the SHA-256 of the one-time
 * token in that instance's user data (the token itself is never stored), and the InstanceLaunched
 * event the outcome events are caused by, so a phone-home publishes the ids a probe would.
 */
export const PhoneHome = z
  .object({
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
    cause: z.object({ eventId: Ulid, correlationId: Ulid }),
  })
  .strict();
export type PhoneHome = z.infer<typeof PhoneHome>;

/**
 * An update in place the provisioner has started (ADR 0021): the build it brings, the SSM command
 * that carries it once sent, and its number. Present only while the update runs, so "at most one
 * update per environment" is one `attribute_not_exists(#update)` condition.
 */
export const UpdateInFlight = z
  .object({
    /** A ULID minted when the update starts: the cause its outcome events derive their ids from. */
    id: Ulid,
    build: Build,
    sequence: z.number().int().positive(),
    reseed: z.boolean(),
    startedAt: IsoDateTime,
    commandId: z.string().min(1).optional(),
  })
  .strict();
export type UpdateInFlight = z.infer<typeof UpdateInFlight>;

export const HistoryEntry = z.object({ step: z.string(), at: IsoDateTime, note: z.string().optional() });

/**
 * One item of the deployments table: who owns which instance and until when. GSI keys (`status`,
 * `expiresAt`, `ownerId`, `branch`, `createdAt`) are top-level attributes because DynamoDB indexes
 * only those. Readers parse items with this schema rather than casting them.
 */
export const DeploymentRecord = z.object({
  kind: z.literal('deployment').default('deployment'),
  deployId: Ulid,
  status: z.enum(DeploymentStatus),
  query: z.string(),
  /** Absent while REQUESTED (the branch is not known yet) and on a request rejected then. */
  branch: BranchName.optional(),
  headSha: z.string().optional(),
  prNumber: z.number().int().nullable().optional(),
  owner: Owner,
  ownerId: z.string(),
  channelId: z.string(),
  replyTo: ReplyTo,
  responseUrlUses: z.number().int().nonnegative().default(0),
  instanceId: z.string().optional(),
  instanceType: z.string().optional(),
  /** What the deploy asked for with `--spot` / `--on-demand`; absent: the stage's default (ADR 0027). */
  capacity: Capacity.optional(),
  /** Set with RUNNING: the market the instance was launched on, after any fallback. */
  market: Market.optional(),
  /** Set with RUNNING when the stage's price table prices the launch: its rate and start. */
  cost: EnvironmentCost.optional(),
  url: z.string().optional(),
  /** Set with READY: whether a probe or the instance's phone-home saw the app healthy first. */
  detectedBy: z.enum(['probe', 'phone_home']).optional(),
  phoneHome: PhoneHome.optional(),
  createdAt: IsoDateTime,
  ttlSeconds: z.number().int().positive(),
  expiresAt: EpochSeconds,
  expiryWarnedFor: EpochSeconds.optional(),
  keepOvernight: z.boolean().default(false),
  history: z.array(HistoryEntry).default([]),
  ttl: EpochSeconds.optional(),
  /** `--fresh`: a new environment even if the branch runs; kept so a queued retry asks the same (ADR 0031). */
  fresh: z.boolean().optional(),
  /** Follows new builds of its branch (issue 18); absent: as the stage's `followBuilds` says. */
  follow: z.boolean().optional(),
  /** The build the environment runs: set by the provisioner's launch claim, then by each update. */
  build: Build.optional(),
  update: UpdateInFlight.optional(),
  /** The newest build that landed while an update ran; applied after it (ADR 0021). */
  pendingBuild: Build.optional(),
  /**
   * The last build whose update failed: a repeated notification of it is not applied again (each
   * try restarts the app); `/deploy update` still may. Cleared by an update that succeeds.
   */
  failedBuild: Build.optional(),
  /** How many updates were started; the compare-and-swap guard of every update write. */
  updates: z.number().int().nonnegative().optional(),
  /**
   * Set with REJECTED by the service that rejected the request: its answer, so a redelivery after a
   * failed publish answers the same again instead of deciding anew (issue 17's chaos run, ADR 0018).
   */
  rejection: RejectionReason.optional(),
  version: z.number().int().nonnegative().default(0),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecord>;

/**
 * The branch of a record past REQUESTED. Every event about a deployment names its branch, and a
 * record has one from RESOLVED on; a record without one here is a bug, so this throws.
 */
export const branchOf = (record: Pick<DeploymentRecord, 'deployId' | 'branch'>): string => {
  if (record.branch === undefined) throw new Error(`deployment ${record.deployId} has no branch yet`);
  return record.branch;
};

/**
 * What a terminate leaves behind for a deployment that has no record yet (still being resolved).
 * It carries no GSI keys, so sweeps and lists never see it; the provisioner's create then fails on
 * its condition, finds the tombstone and launches nothing (docs/architecture.md §3).
 */
export const TombstoneRecord = z.object({
  kind: z.literal('tombstone'),
  deployId: Ulid,
  status: z.literal('TERMINATING'),
  requestedBy: Owner,
  createdAt: IsoDateTime,
  history: z.array(HistoryEntry).default([]),
  ttl: EpochSeconds,
});
export type TombstoneRecord = z.infer<typeof TombstoneRecord>;

export const DeploymentItem = z.union([TombstoneRecord, DeploymentRecord]);
export type DeploymentItem = z.infer<typeof DeploymentItem>;
