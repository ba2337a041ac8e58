import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { ContractViolationError, PublishError } from '../../src/errors';
import { DeployRequested, InstanceLaunched } from '../../src/events';
import { derivedId } from '../../src/ids';
import { buildEvent, createPublisher } from '../../src/publish';
import { fixtureData, fixtureDetail } from '../helpers/factories';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'eu-north-1' });
const now = new Date('2026-11-26T10:00:00.000Z');
const publisher = createPublisher({
  client,
  busName: 'branch-envs-test-bus',
  producer: 'slack-ingress',
  now: () => now,
});

beforeEach(() => eventBridge.reset());

describe('buildEvent', () => {
  it('starts a conversation with causationId equal to its own eventId', () => {
    const data = fixtureData(DeployRequested);

    const { detail } = buildEvent(
      { contract: DeployRequested, data, cause: { correlationId: data.deployId } },
      'slack-ingress',
      now,
    );

    expect(detail.metadata.correlationId).toBe(data.deployId);
    expect(detail.metadata.causationId).toBe(detail.metadata.eventId);
    expect(detail.metadata).toMatchObject({
      schemaVersion: 1,
      producer: 'branch-envs.slack-ingress',
      occurredAt: now.toISOString(),
    });
  });

  it('carries the correlationId over and points causationId at the incoming event', () => {
    const incoming = fixtureDetail(DeployRequested).metadata;

    const { detail } = buildEvent(
      { contract: InstanceLaunched, data: fixtureData(InstanceLaunched), cause: incoming },
      'provisioner',
      now,
    );

    expect(detail.metadata.correlationId).toBe(incoming.correlationId);
    expect(detail.metadata.causationId).toBe(incoming.eventId);
    expect(detail.metadata.eventId).not.toBe(incoming.eventId);
  });

  it('derives the same eventId when the same cause produces the same event again', () => {
    const incoming = fixtureDetail(DeployRequested).metadata;
    const event = { contract: InstanceLaunched, data: fixtureData(InstanceLaunched), cause: incoming };

    const first = buildEvent(event, 'provisioner', now);
    const retry = buildEvent(event, 'provisioner', new Date(now.getTime() + 60_000));
    const other = buildEvent({ ...event, key: 'second' }, 'provisioner', now);

    expect(retry.detail.metadata.eventId).toBe(first.detail.metadata.eventId);
    expect(other.detail.metadata.eventId).not.toBe(first.detail.metadata.eventId);
  });

  it('refuses data that breaks the contract, naming the field', () => {
    const data = { ...fixtureData(DeployRequested), query: '' };

    const act = () =>
      buildEvent(
        { contract: DeployRequested, data, cause: { correlationId: data.deployId } },
        'slack-ingress',
        now,
      );

    expect(act).toThrow(ContractViolationError);
    expect(act).toThrow(/data\.query/);
  });
});

describe('derivedId', () => {
  it('is a ULID with the time part of its cause', () => {
    const cause = '01KB0W8J6QF3ZC9D2M4N5P7R8T';

    const id = derivedId(cause, 'InstanceLaunched');

    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.slice(0, 10)).toBe(cause.slice(0, 10));
  });
});

describe('createPublisher', () => {
  it('sends 25 events in batches of at most 10 to the named bus', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const data = fixtureData(DeployRequested);
    const events = Array.from({ length: 25 }, (_, i) => ({
      contract: DeployRequested,
      data,
      cause: fixtureDetail(DeployRequested).metadata,
      key: String(i),
    }));

    const published = await publisher.publish(events);

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'branch-envs-test-bus',
      Source: 'branch-envs.slack-ingress',
      DetailType: 'DeployRequested',
    });
    expect(new Set(published.map((p) => p.metadata.eventId)).size).toBe(25);
  });

  it('throws a PublishError naming the refused entries when FailedEntryCount is above zero', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });
    const data = fixtureData(DeployRequested);

    const act = publisher.publish([
      { contract: DeployRequested, data, cause: { correlationId: data.deployId } },
    ]);

    await expect(act).rejects.toThrow(PublishError);
    await expect(act).rejects.toThrow(/DeployRequested: ThrottlingException/);
  });

  it('sends nothing when any event in the batch is invalid', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const data = fixtureData(DeployRequested);

    const act = publisher.publish([
      { contract: DeployRequested, data, cause: { correlationId: data.deployId } },
      {
        contract: DeployRequested,
        data: { ...data, ttlSeconds: -1 },
        cause: { correlationId: data.deployId },
      },
    ]);

    await expect(act).rejects.toThrow(ContractViolationError);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
