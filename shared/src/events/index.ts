import {
  consumerFunctionOf,
  type EventContract,
  MAIN_CONSUMER_FUNCTION,
  type MainConsumerFunction,
  type ServiceName,
} from '../envelope';
import { BranchResolved } from './BranchResolved';
import { DeployFailed } from './DeployFailed';
import { DeployRejected } from './DeployRejected';
import { DeployRequested } from './DeployRequested';
import { DeployRequestedV2 } from './DeployRequested.v2';
import { DeployRequestedV3 } from './DeployRequested.v3';
import { ExpiryExtended } from './ExpiryExtended';
import { ExtendRequested } from './ExtendRequested';
import { HomeRequested } from './HomeRequested';
import { InstanceExpiring } from './InstanceExpiring';
import { InstanceExpiringV2 } from './InstanceExpiring.v2';
import { InstanceLaunched } from './InstanceLaunched';
import { InstanceReady } from './InstanceReady';
import { InstanceReadyV2 } from './InstanceReady.v2';
import { InstanceTerminated } from './InstanceTerminated';
import { InstanceTerminatedV2 } from './InstanceTerminated.v2';
import { InstanceTerminatedV3 } from './InstanceTerminated.v3';
import { InstanceUpdated } from './InstanceUpdated';
import { LogsCollected } from './LogsCollected';
import { LogsRequested } from './LogsRequested';
import { PullRequestClosed } from './PullRequestClosed';
import { QueuedDeployEnded } from './QueuedDeployEnded';
import { QueuedDeployStarted } from './QueuedDeployStarted';
import { RequestRefused } from './RequestRefused';
import { TerminateRequested } from './TerminateRequested';
import { UpdateFailed } from './UpdateFailed';
import { UpdateRefused } from './UpdateRefused';
import { UpdateRequested } from './UpdateRequested';

export { ResolvedArtifact } from './BranchResolved';
export { Build, BuildArtifact, CommitSha } from './build';
export * from './common';
export { FailureReason } from './DeployFailed';
export { BranchCandidate, RejectionReason } from './DeployRejected';
export { ExpiryReason } from './InstanceExpiring.v2';
export { TerminationReason } from './InstanceTerminated';
export { TerminationReasonV2 } from './InstanceTerminated.v2';
export { TerminationReasonV3 } from './InstanceTerminated.v3';
export { LogsUnavailableReason, MAX_LOG_TEXT } from './LogsCollected';
export { LOG_LINES, LogKind } from './LogsRequested';
export { QueueEndReason } from './QueuedDeployEnded';
export { TerminateTarget } from './TerminateRequested';
export { UpdateFailureReason } from './UpdateFailed';
export { UpdateRefusalCode } from './UpdateRefused';
export {
  BranchResolved,
  DeployFailed,
  DeployRejected,
  DeployRequested,
  DeployRequestedV3,
  ExpiryExtended,
  ExtendRequested,
  HomeRequested,
  InstanceExpiring,
  InstanceExpiringV2,
  InstanceLaunched,
  InstanceReady,
  InstanceReadyV2,
  InstanceTerminated,
  InstanceTerminatedV2,
  InstanceTerminatedV3,
  PullRequestClosed,
  RequestRefused,
  TerminateRequested,
  InstanceUpdated,
  UpdateFailed,
  QueuedDeployStarted,
  QueuedDeployEnded,
  UpdateRequested,
  UpdateRefused,
  LogsRequested,
  LogsCollected,
};

/** Every supported event version. Add a new version beside the old one; never edit a published one. */
export const allContracts = [
  DeployRequested,
  DeployRequestedV2,
  DeployRequestedV3,
  BranchResolved,
  DeployRejected,
  InstanceLaunched,
  InstanceReady,
  InstanceReadyV2,
  DeployFailed,
  TerminateRequested,
  ExtendRequested,
  InstanceExpiring,
  InstanceExpiringV2,
  InstanceTerminated,
  InstanceTerminatedV2,
  InstanceTerminatedV3,
  ExpiryExtended,
  RequestRefused,
  PullRequestClosed,
  HomeRequested,
  InstanceUpdated,
  UpdateFailed,
  QueuedDeployStarted,
  QueuedDeployEnded,
  UpdateRequested,
  UpdateRefused,
  LogsRequested,
  LogsCollected,
] as const;

export type AnyContract = (typeof allContracts)[number];
export type DetailType = AnyContract['detailType'];

/** The function of `S` that consumes `C`: the one the contract names, else `S`'s main one. */
type FunctionOf<C extends EventContract, S extends ServiceName> = C extends {
  consumerFunctions?: infer F;
}
  ? S extends keyof F
    ? Exclude<F[S], undefined>
    : MainConsumerFunction<S>
  : MainConsumerFunction<S>;

/** Whether `C` is kept by a listing of `Role` for `S` (and, for consumers, its function `Fn`). */
type Keeps<C extends EventContract, Role extends 'producers' | 'consumers', S extends ServiceName, Fn> = [
  Extract<C[Role][number], S>,
] extends [never]
  ? false
  : Role extends 'consumers'
    ? [FunctionOf<C, S>] extends [Fn]
      ? true
      : false
    : true;

/** Keeps, in order, the contracts of `Cs` whose `Role` list names one of `S`: a tuple, so types narrow. */
type Listing<
  Cs extends readonly EventContract[],
  Role extends 'producers' | 'consumers',
  S extends ServiceName,
  Fn = string,
> = Cs extends readonly [infer Head extends EventContract, ...infer Tail extends readonly EventContract[]]
  ? Keeps<Head, Role, S, Fn> extends true
    ? readonly [Head, ...Listing<Tail, Role, S, Fn>]
    : Listing<Tail, Role, S, Fn>
  : readonly [];

/**
 * The contracts function `Fn` of `S` consumes (by default its main one, `MAIN_CONSUMER_FUNCTION`):
 * what its consumer accepts and what its stack's rule must route to that function's queue.
 */
export type ContractsConsumedBy<S extends ServiceName, Fn extends string = MainConsumerFunction<S>> = Listing<
  typeof allContracts,
  'consumers',
  S,
  Fn
>;
/** The contracts `S` may publish: what its `Publisher<S>` accepts. */
export type ContractsProducedBy<S extends ServiceName> = Listing<typeof allContracts, 'producers', S>;

const listing = (role: 'producers' | 'consumers', service: ServiceName): readonly AnyContract[] =>
  allContracts.filter((c) => (c[role] as readonly ServiceName[]).includes(service));

/**
 * The contracts whose declaration names `service` among their consumers and `fn` (by default the
 * service's main consumer function) as the function that takes them, in `allContracts` order.
 * Services pass it to `createEventConsumer`, so accepting a new event is one line in its contract.
 */
export const contractsConsumedBy = <S extends ServiceName, Fn extends string = MainConsumerFunction<S>>(
  service: S,
  fn: Fn = MAIN_CONSUMER_FUNCTION[service] as string as Fn,
): ContractsConsumedBy<S, Fn> =>
  listing('consumers', service).filter(
    (c) => consumerFunctionOf(c, service) === fn,
  ) as unknown as ContractsConsumedBy<S, Fn>;

/** The contracts whose declaration names `service` among their producers, in `allContracts` order. */
export const contractsProducedBy = <S extends ServiceName>(service: S): ContractsProducedBy<S> =>
  listing('producers', service) as unknown as ContractsProducedBy<S>;
