/**
 * The wiring each contract declares (`producers`, `consumers`) and what is derived from it: the
 * contracts a consumer accepts and the events a publisher takes. The `@ts-expect-error` line is part of
 * the test: `npx tsc` fails if the publisher's typing lets it through (more in ../types/wiring.ts).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { consumerFunctionOf, MAIN_CONSUMER_FUNCTION, type ServiceName } from '../../src/envelope';
import { ContractViolationError } from '../../src/errors';
import {
  allContracts,
  BranchResolved,
  contractsConsumedBy,
  contractsProducedBy,
  InstanceTerminated,
  UpdateRequested,
} from '../../src/events';
import { buildEvent, createPublisher } from '../../src/publish';
import { fixtureData, fixtureDetail } from '../helpers/factories';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'eu-north-1' });
const names = (contracts: readonly { detailType: string }[]) => contracts.map((c) => c.detailType);

beforeEach(() => eventBridge.reset());

describe('contractsConsumedBy', () => {
  it('lists the contracts that name the service among their consumers, in allContracts order', () => {
    // Act + Assess
    expect(names(contractsConsumedBy('reaper'))).toEqual([
      'TerminateRequested',
      'ExtendRequested',
      'PullRequestClosed',
    ]);
    expect(names(contractsConsumedBy('provisioner'))).toEqual(['BranchResolved']);
    expect(names(contractsConsumedBy('notifier'))).toEqual([
      'BranchResolved',
      'DeployRejected',
      'InstanceLaunched',
      'InstanceReady',
      'InstanceReady',
      'DeployFailed',
      'InstanceExpiring',
      'InstanceExpiring',
      'InstanceTerminated',
      'InstanceTerminated',
      'InstanceTerminated',
      'ExpiryExtended',
      'RequestRefused',
      'InstanceUpdated',
      'UpdateFailed',
      'QueuedDeployStarted',
      'QueuedDeployEnded',
      'UpdateRefused',
      'LogsCollected',
    ]);
  });

  it("lists a function's own contracts when the contract names it: UpdateRequested goes to the provisioner's update, not provision (ADR 0029)", () => {
    // Act + Assess
    expect(names(contractsConsumedBy('provisioner', 'update'))).toEqual(['UpdateRequested']);
    expect(names(contractsConsumedBy('provisioner', 'provision'))).toEqual(['BranchResolved']);
    expect(names(contractsConsumedBy('provisioner', 'probe'))).toEqual([]);
    expect(names(contractsConsumedBy('provisioner', 'logs'))).toEqual(['LogsRequested']);
    expect(consumerFunctionOf(UpdateRequested, 'provisioner')).toBe('update');
    expect(consumerFunctionOf(BranchResolved, 'provisioner')).toBe(MAIN_CONSUMER_FUNCTION.provisioner);
  });

  it("lists ingress's home function's events: the Home-tab opens and what changes a tab (ADR 0023)", () => {
    // Act + Assess
    expect(names(contractsConsumedBy('slack-ingress'))).toEqual([
      'BranchResolved',
      'DeployRejected',
      'InstanceLaunched',
      'InstanceReady',
      'InstanceReady',
      'DeployFailed',
      'InstanceTerminated',
      'InstanceTerminated',
      'InstanceTerminated',
      'ExpiryExtended',
      'HomeRequested',
      'QueuedDeployStarted',
      'QueuedDeployEnded',
    ]);
  });
});

describe('contractsProducedBy', () => {
  it('lists the contracts that name the service among their producers', () => {
    // Act + Assess
    expect(names(contractsProducedBy('reaper'))).toEqual([
      'DeployRequested',
      'DeployRejected',
      'InstanceExpiring',
      'InstanceTerminated',
      'InstanceTerminated',
      'InstanceTerminated',
      'ExpiryExtended',
      'RequestRefused',
      'QueuedDeployStarted',
      'QueuedDeployEnded',
    ]);
    expect(names(contractsProducedBy('github-ingress'))).toEqual(['PullRequestClosed']);
    expect(names(contractsProducedBy('notifier'))).toEqual([]);
  });
});

describe('the declarations', () => {
  it('publish no event that no service consumes', () => {
    // Act
    const unconsumed = allContracts.filter((c) => c.producers.length > 0 && c.consumers.length === 0);

    // Assess
    expect(names(unconsumed)).toEqual([]);
  });

  it("bug: slack-ingress's home function consumed InstanceReady v1 only, so every v2 went to its DLQ (chaos run)", () => {
    // Act: producers publish the newest version; whoever consumed an older one must accept it too
    const newest = new Map<string, (typeof allContracts)[number]>();
    for (const c of allContracts) {
      const seen = newest.get(c.detailType);
      if (!seen || c.schemaVersion > seen.schemaVersion) newest.set(c.detailType, c);
    }
    const missing = allContracts.flatMap((c) => {
      const latest = newest.get(c.detailType);
      return c.consumers
        .filter((consumer) => !(latest?.consumers as readonly string[] | undefined)?.includes(consumer))
        .map((consumer) => `${consumer} misses ${c.detailType} v${latest?.schemaVersion}`);
    });

    // Assess
    expect(missing).toEqual([]);
  });

  it('name each service at most once per list', () => {
    // Act
    const repeated = allContracts.filter((c) =>
      [c.producers, c.consumers].some((list: readonly ServiceName[]) => new Set(list).size !== list.length),
    );

    // Assess
    expect(names(repeated)).toEqual([]);
  });
});

describe('a publisher typed per service', () => {
  const reaper = createPublisher({ client, busName: 'branch-envs-test-bus', producer: 'reaper' });
  const cause = fixtureDetail(BranchResolved).metadata;

  it('publishes an event its service declares as a producer', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });

    // Act
    await reaper.publish([{ contract: InstanceTerminated, data: fixtureData(InstanceTerminated), cause }]);

    // Assess
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]).toMatchObject({
      Source: 'branch-envs.reaper',
      DetailType: 'InstanceTerminated',
    });
  });

  it('refuses, at compile time and before sending anything, an event its service does not produce', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });

    // Act
    const act = reaper.publish([
      { contract: InstanceTerminated, data: fixtureData(InstanceTerminated), cause },
      // @ts-expect-error the reaper does not produce BranchResolved
      { contract: BranchResolved, data: fixtureData(BranchResolved), cause },
    ]);

    // Assess
    await expect(act).rejects.toThrow(ContractViolationError);
    await expect(act).rejects.toThrow(/BranchResolved.*reaper is not a declared producer/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('refuses to build an event for a producer the contract does not declare', () => {
    // Act
    const act = () =>
      buildEvent(
        { contract: BranchResolved, data: fixtureData(BranchResolved), cause },
        'provisioner',
        new Date(),
      );

    // Assess
    expect(act).toThrow(/producer: provisioner is not a declared producer \(declared: branch-resolver\)/);
  });
});
