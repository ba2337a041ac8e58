/**
 * Type-level tests, compiled by `npx tsc` (never run): each `@ts-expect-error` line must fail to
 * compile and each `Equal` must hold, or the typecheck fails. They pin what the contracts' declared
 * `producers` and `consumers` mean for the services' types.
 */
import type { ConsumedEvent } from '../../src/consumer';
import type { EventContract, EventMetadata } from '../../src/envelope';
import type { ContractsConsumedBy } from '../../src/events';
import {
  BranchResolved,
  DeployRequested,
  type InstanceExpiring,
  InstanceTerminated,
  type InstanceTerminated as InstanceTerminatedDetail,
} from '../../src/events';
import type { Publisher } from '../../src/publish';

/** True when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

declare const reaper: Publisher<'reaper'>;
declare const anyService: Publisher;
declare const cause: EventMetadata;
declare const terminated: InstanceTerminatedDetail['data'];
declare const expiring: InstanceExpiring['data'];
declare const resolved: BranchResolved['data'];
declare const provisionerPort: (publisher: Publisher<'provisioner'>) => void;

// A consumer's contracts are a tuple: its events narrow to exactly the declared detail types.
export const reaperConsumes: Equal<
  ConsumedEvent<ContractsConsumedBy<'reaper'>>['detailType'],
  'TerminateRequested' | 'ExtendRequested' | 'PullRequestClosed'
> = true;
// Ingress's `home` function consumes what changes a Home tab (ADR 0023), and no requests.
export const ingressConsumesHomeEvents: Equal<
  Extract<
    ConsumedEvent<ContractsConsumedBy<'slack-ingress'>>['detailType'],
    'DeployRequested' | 'TerminateRequested'
  >,
  never
> = true;

// The reaper publishes what its contracts declare it produces...
void reaper.publish([{ contract: InstanceTerminated, data: terminated, cause }]);
// ...and nothing else:
// @ts-expect-error the reaper does not produce BranchResolved
void reaper.publish([{ contract: BranchResolved, data: resolved, cause }]);
// @ts-expect-error nor DeployRequested, whichever service's data it carries
void reaper.publish([{ contract: DeployRequested, data: expiring, cause }]);
// @ts-expect-error an event's data must be its own contract's
void reaper.publish([{ contract: InstanceTerminated, data: expiring, cause }]);

// Two versions of one event are distinct types even with the same data, so a version that nobody
// publishes any more cannot pass for the one that replaced it.
type DeployRequestedV2 = EventContract<'DeployRequested', (typeof DeployRequested)['data'], never, never, 2>;
export const versionsDiffer: Equal<
  DeployRequestedV2 extends typeof DeployRequested ? true : false,
  false
> = true;

// @ts-expect-error one service's publisher cannot stand in for another's
provisionerPort(reaper);
// A publisher of every event (a test double) fits any service's port.
provisionerPort(anyService);

// Per-function routing (ADR 0029): the provisioner's `provision` takes BranchResolved only, and its
// `update` function takes UpdateRequested only, as the contract's `consumerFunctions` says.
export const provisionConsumes: Equal<
  ConsumedEvent<ContractsConsumedBy<'provisioner'>>['detailType'],
  'BranchResolved'
> = true;
export const updateFunctionConsumes: Equal<
  ConsumedEvent<ContractsConsumedBy<'provisioner', 'update'>>['detailType'],
  'UpdateRequested'
> = true;
