import type { DeploymentRepository } from '@branch-envs/shared/deployments/repository';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { EventMetadata } from '@branch-envs/shared/envelope';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import type { LiveDeploymentSummary } from '@branch-envs/shared/events/common';
import type { InstanceReady } from '@branch-envs/shared/events/InstanceReady';
import type { Capacity } from '@branch-envs/shared/pricing/capacity';
import type { Market } from '@branch-envs/shared/pricing/cost';
import type { PriceTable } from '@branch-envs/shared/pricing/priceTable';
import type { Cause } from '@branch-envs/shared/publish';
import type { Failure } from './failures';
import type { Profile } from './userData/profile';
import type { DatabaseInput } from './userData/userDataInput';

/**
 * What the use cases need from the outside world. Adapters implement these with the AWS SDK and
 * `fetch`; the domain itself imports no SDK, so unit tests pass plain objects.
 */

/** One RunInstances try: an instance type in a subnet (undefined: the default VPC picks one). */
export interface LaunchAttempt {
  instanceType: string;
  /** `spot` launches with InstanceMarketOptions (one-time, terminate on interruption). */
  market: Market;
  subnetId?: string;
}

/** Everything of a launch that does not change between fallback attempts. */
export interface LaunchSpec {
  deployId: string;
  imageId: string;
  rootDeviceName: string;
  userDataBase64: string;
  tags: Readonly<Record<string, string>>;
  /** SHA-256 of the phone-home token in the user data, when phone-home is on. */
  phoneHomeTokenSha256?: string;
}

export interface LaunchedInstance {
  instanceId: string;
  instanceType: string;
  market: Market;
  subnetId?: string;
  availabilityZone?: string;
}

/** What DescribeInstances says about an instance; `missing` covers EC2's eventual consistency. */
export type InstanceObservation =
  | { state: 'missing' }
  | {
      state: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
      privateIp?: string;
      publicIp?: string;
    };

export interface Instances {
  /** One RunInstances call; throws a {@link LaunchError} (see errors.ts) that says what went wrong. */
  run(spec: LaunchSpec, attempt: LaunchAttempt, attemptIndex: number): Promise<LaunchedInstance>;
  terminate(instanceId: string): Promise<void>;
  describe(instanceId: string): Promise<InstanceObservation>;
  /** The pending or running instance tagged with this deployId, if any (a launch whose claimer died). */
  launchedFor(deployId: string): Promise<LaunchedInstance | undefined>;
}

/** The AMI to boot, from config or the latest bake, with the root device its volume mapping needs. */
export interface ImageSource {
  current(): Promise<{ imageId: string; rootDeviceName: string }>;
}

/** How the instance downloads one artifact: a short-lived pre-signed URL or an `s3://` URI. */
export interface ArtifactLinks {
  linkFor(bucket: string, key: string): Promise<string>;
}

export interface HealthCheck {
  check(url: string): Promise<HealthResult>;
}

export type HealthResult = { healthy: true; status: number } | { healthy: false; observation: string };

/** Sends the next readiness probe to the provisioner's own queue, visible after `delaySeconds`. */
export interface ProbeScheduler {
  schedule(message: ProbeMessageBody, delaySeconds: number): Promise<void>;
}

/** The probe message; its schema lives in readiness/probeMessage.ts. */
export interface ProbeMessageBody {
  deployId: string;
  instanceId: string;
  attempt: number;
  /** ISO time after which the boot has failed. */
  deadline: string;
  /** ISO time at which the message is due to become visible. */
  dueAt?: string;
  /** The InstanceLaunched metadata: InstanceReady and DeployFailed are caused by it. */
  cause: EventMetadata;
  /** What the last probe saw, so the timeout message can say it. */
  last?: string;
}

/** One artifact the profile expects, matched against BranchResolved's keys by its key template. */
export interface ArtifactSpec {
  name: string;
  /** `{app}` and `{branch}` are replaced, e.g. `build-artifacts/{app}-{branch}.jar`. */
  key: string;
  dest: string;
}

/** The app that every environment runs: what the renderer and the launch need beyond the event. */
export interface AppSettings {
  /** The deployment stage (`prod`, `local`); instances carry it as their `Stage` tag. */
  stage: string;
  app: string;
  port: number;
  env: Readonly<Record<string, string>>;
  healthPath: string;
  db?: DatabaseInput;
  artifacts: readonly ArtifactSpec[];
  /** When set, BranchResolved must name this bucket (the one the role may read). */
  artifactBucket?: string;
  /** Phone-home on: the route's base URL; each instance reports to `<base>/<deployId>`. */
  phoneHomeUrl?: string;
}

export interface LaunchSettings {
  instanceTypes: readonly string[];
  subnetIds: readonly string[];
  /** The stage's default; a deploy's `--spot` / `--on-demand` (on its record) wins. */
  capacity: Capacity;
}

/** The stage's price table and what the provisioner launches besides the instance (ADR 0027). */
export interface PricingSettings {
  table: PriceTable | null;
  rootVolumeGb: number;
}

export interface QuotaSettings {
  maxLivePerUser: number;
  maxLiveTotal: number;
}

export interface ReadinessSettings {
  appUrlTemplate: string;
  healthPath: string;
  expectedStatus: number;
  probeIntervalSeconds: number;
  bootTimeoutSeconds: number;
  keepFailedInstances: boolean;
  region: string;
}

/** How a READY deployment was seen to be healthy; the record keeps it, InstanceReady says it. */
export type DetectedBy = InstanceReady['data']['detectedBy'];

/**
 * The deployment's facts every outgoing event repeats, from BranchResolved or from the record (whose
 * branch is optional only while it is REQUESTED, before the provisioner publishes anything).
 */
export type EventSubject = Pick<BranchResolved['data'], 'deployId' | 'replyTo'> & { branch?: string };

/** Why a deployment does not fit: the quota reached, and the owner's live environments. */
export interface QuotaRejection {
  scope: 'user' | 'total';
  limit: number;
  live: LiveDeploymentSummary[];
}

/**
 * The events the provisioner publishes, built from what the use cases know. Each takes its cause,
 * so correlation carries over and a retried handler re-publishes the same eventIds (consumers then
 * drop the copy). Built once per cold start, in the composition root.
 */
export interface ProvisionerEvents {
  rejected(detail: BranchResolved, rejection: QuotaRejection): Promise<void>;
  terminated(detail: BranchResolved, extra: { instanceId?: string; terminatedBy?: string }): Promise<void>;
  /** Returns InstanceLaunched's metadata: the readiness outcomes are caused by it. */
  launched(
    detail: BranchResolved,
    record: DeploymentRecord,
    instance: LaunchedInstance,
  ): Promise<EventMetadata>;
  ready(
    cause: Cause,
    record: DeploymentRecord,
    instanceId: string,
    url: string,
    detectedBy: DetectedBy,
  ): Promise<void>;
  failed(
    cause: Cause,
    subject: EventSubject,
    failure: Failure,
    extra?: { instanceId?: string; instanceKept?: boolean },
  ): Promise<void>;
}

/** The part of the structured logger the use cases write to. */
export type { Log } from '@branch-envs/shared/log';

/**
 * A slot the reaper gave a queued request whose deployment the index may not count yet (ADR 0031):
 * it is REQUESTED (which this quota does not count) or too new for the index. Counting it keeps a
 * `/deploy` typed meanwhile from taking the slot the queue gave away.
 */
export interface HeldSlot {
  deployId: string;
  ownerId: string;
  query: string;
}

export interface ProvisionerPorts {
  repository: DeploymentRepository;
  /** Slots the deploy queue gave to requests still on their way (ADR 0031); absent: the queue is off. */
  heldSlots?: () => Promise<readonly HeldSlot[]>;
  events: ProvisionerEvents;
  instances: Instances;
  images: ImageSource;
  artifactLinks: ArtifactLinks;
  probes: ProbeScheduler;
  profile: () => Promise<Profile>;
  now: () => Date;
}

export interface ProberPorts {
  repository: DeploymentRepository;
  events: ProvisionerEvents;
  instances: Instances;
  health: HealthCheck;
  probes: ProbeScheduler;
  now: () => Date;
}
