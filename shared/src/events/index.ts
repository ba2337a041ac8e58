import { BranchResolved } from './BranchResolved';
import { DeployFailed } from './DeployFailed';
import { DeployRejected } from './DeployRejected';
import { DeployRequested } from './DeployRequested';
import { DeployRequestedV2 } from './DeployRequested.v2';
import { ExpiryExtended } from './ExpiryExtended';
import { ExtendRequested } from './ExtendRequested';
import { InstanceExpiring } from './InstanceExpiring';
import { InstanceLaunched } from './InstanceLaunched';
import { InstanceReady } from './InstanceReady';
import { InstanceTerminated } from './InstanceTerminated';
import { RequestRefused } from './RequestRefused';
import { TerminateRequested } from './TerminateRequested';

export { ResolvedArtifact } from './BranchResolved';
export * from './common';
export { FailureReason } from './DeployFailed';
export { BranchCandidate, RejectionReason } from './DeployRejected';
export { TerminationReason } from './InstanceTerminated';
export { TerminateTarget } from './TerminateRequested';
export {
  BranchResolved,
  DeployFailed,
  DeployRejected,
  DeployRequested,
  ExpiryExtended,
  ExtendRequested,
  InstanceExpiring,
  InstanceLaunched,
  InstanceReady,
  InstanceTerminated,
  RequestRefused,
  TerminateRequested,
};

/** Every supported event version. Add a new version beside the old one; never edit a published one. */
export const allContracts = [
  DeployRequested,
  DeployRequestedV2,
  BranchResolved,
  DeployRejected,
  InstanceLaunched,
  InstanceReady,
  DeployFailed,
  TerminateRequested,
  ExtendRequested,
  InstanceExpiring,
  InstanceTerminated,
  ExpiryExtended,
  RequestRefused,
] as const;

export type AnyContract = (typeof allContracts)[number];
export type DetailType = AnyContract['detailType'];

/** Which services publish each event; an event's `Source` is `branch-envs.<service>`. */
export const producers: Record<DetailType, readonly string[]> = {
  DeployRequested: ['slack-ingress'],
  TerminateRequested: ['slack-ingress'],
  ExtendRequested: ['slack-ingress'],
  BranchResolved: ['branch-resolver'],
  DeployRejected: ['branch-resolver', 'provisioner'],
  InstanceLaunched: ['provisioner'],
  InstanceReady: ['provisioner'],
  DeployFailed: ['provisioner'],
  InstanceExpiring: ['reaper'],
  InstanceTerminated: ['reaper', 'provisioner'],
  ExpiryExtended: ['reaper'],
  RequestRefused: ['reaper'],
};
