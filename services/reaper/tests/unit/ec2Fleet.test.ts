import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, createEc2Fleet } from '../../src/adapters/ec2Fleet';
import { collect } from '../../src/domain/concurrency';

const ec2 = new EC2Client({ region: 'eu-north-1', maxAttempts: 1 });
const ec2Mock = mockClient(ec2);
const noSleep = { sleep: async () => undefined };

const instance = (id: string, tags: Record<string, string>, state = 'running'): Instance => ({
  InstanceId: id,
  State: { Name: state as 'running' },
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});
const managed = (id: string, deployId?: string) =>
  instance(id, { ManagedBy: 'branch-envs', ...(deployId ? { DeployId: deployId } : {}) });
const idOf = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;

/** DescribeInstances answering an instance-id filter from `known`. */
const describeFrom = (known: Instance[]) =>
  ec2Mock
    .on(DescribeInstancesCommand)
    .callsFake((input: { Filters?: { Name: string; Values: string[] }[] }) => {
      const ids = new Set(input.Filters?.find((f) => f.Name === 'instance-id')?.Values ?? []);
      return { Reservations: [{ Instances: known.filter((i) => ids.has(i.InstanceId ?? '')) }] };
    });

beforeEach(() => ec2Mock.reset());

describe('EC2 fleet adapter', () => {
  it('never terminates an instance without ManagedBy=branch-envs, even when a record names it', async () => {
    // Prepare
    describeFrom([instance(idOf(1), { Name: 'the AMI build box' }), managed(idOf(2), 'D2')]);
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const fleet = createEc2Fleet({ client: ec2, backoff: noSleep });

    // Act
    const outcomes = await fleet.terminateManaged([
      { instanceId: idOf(1) },
      { instanceId: idOf(2), deployId: 'D2' },
    ]);

    // Assess
    expect(outcomes.get(idOf(1))).toBe('untagged');
    expect(outcomes.get(idOf(2))).toBe('terminated');
    const terminated = ec2Mock
      .commandCalls(TerminateInstancesCommand)
      .flatMap((c) => c.args[0].input.InstanceIds);
    expect(terminated).toEqual([idOf(2)]);
  });

  it('leaves a managed instance alone when its DeployId is not the expected one', async () => {
    // Prepare
    describeFrom([managed(idOf(3), 'SOMEONE-ELSE')]);
    const fleet = createEc2Fleet({ client: ec2, backoff: noSleep });

    // Act
    const outcomes = await fleet.terminateManaged([{ instanceId: idOf(3), deployId: 'MINE' }]);

    // Assess
    expect(outcomes.get(idOf(3))).toBe('mismatch');
    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('accepts a managed instance without a DeployId tag for the record that names it', async () => {
    // Prepare
    describeFrom([managed(idOf(10))]);
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const fleet = createEc2Fleet({ client: ec2, backoff: noSleep });

    // Act
    const outcomes = await fleet.terminateManaged([{ instanceId: idOf(10), deployId: 'MINE' }]);

    // Assess
    expect(outcomes.get(idOf(10))).toBe('terminated');
  });

  it('terminates in batches of the configured size', async () => {
    // Prepare
    const known = Array.from({ length: 250 }, (_, n) => managed(idOf(n)));
    describeFrom(known);
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    const fleet = createEc2Fleet({ client: ec2, batchSize: 100, backoff: noSleep });

    // Act
    const outcomes = await fleet.terminateManaged(known.map((i) => ({ instanceId: i.InstanceId ?? '' })));

    // Assess
    const sizes = ec2Mock
      .commandCalls(TerminateInstancesCommand)
      .map((c) => c.args[0].input.InstanceIds?.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect([...outcomes.values()].every((o) => o === 'terminated')).toBe(true);
  });

  it('retries a throttled TerminateInstances with backoff', async () => {
    // Prepare
    describeFrom([managed(idOf(4))]);
    const throttled = Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' });
    ec2Mock.on(TerminateInstancesCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({});
    const retries: number[] = [];
    const fleet = createEc2Fleet({
      client: ec2,
      backoff: noSleep,
      onRetry: (_operation, _error, attempt) => retries.push(attempt),
    });

    // Act
    const outcomes = await fleet.terminateManaged([{ instanceId: idOf(4) }]);

    // Assess
    expect(outcomes.get(idOf(4))).toBe('terminated');
    expect(retries).toEqual([1, 2]);
  });

  it('splits a batch EC2 refuses as a whole, so one bad id cannot block the others', async () => {
    // Prepare
    describeFrom([managed(idOf(5)), managed(idOf(6))]);
    const denied = Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' });
    ec2Mock
      .on(TerminateInstancesCommand)
      .rejects(denied)
      .on(TerminateInstancesCommand, { InstanceIds: [idOf(6)] })
      .resolves({});
    const fleet = createEc2Fleet({ client: ec2, backoff: noSleep });

    // Act
    const outcomes = await fleet.terminateManaged([{ instanceId: idOf(5) }, { instanceId: idOf(6) }]);

    // Assess
    expect(outcomes.get(idOf(5))).toBe('failed');
    expect(outcomes.get(idOf(6))).toBe('terminated');
  });

  it('follows NextToken through every page when listing managed instances, filtered by tag and state', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [managed(idOf(7), 'D7')] }], NextToken: 'page-2' })
      .resolvesOnce({ Reservations: [{ Instances: [managed(idOf(8), 'D8')] }], NextToken: 'page-3' })
      .resolvesOnce({ Reservations: [{ Instances: [managed(idOf(9), 'D9')] }] });
    const fleet = createEc2Fleet({ client: ec2, backoff: noSleep });

    // Act
    const listed = await collect(fleet.listManaged());

    // Assess
    expect(listed.map((i) => i.deployId)).toEqual(['D7', 'D8', 'D9']);
    const calls = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, 'page-2', 'page-3']);
    expect(calls[0]?.Filters).toEqual([
      { Name: 'tag:ManagedBy', Values: ['branch-envs'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
  });

  it('adds the stage tag to the listing filter when configured', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const fleet = createEc2Fleet({
      client: ec2,
      backoff: noSleep,
      scopeTag: { key: 'Stage', value: 'prod' },
    });

    // Act
    await collect(fleet.listManaged());

    // Assess
    const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters;
    expect(filters).toContainEqual({ Name: 'tag:Stage', Values: ['prod'] });
  });

  it.each([
    ['a missing instance', 'gone', undefined],
    ['a terminated instance', 'gone', instance('i-1', { ManagedBy: 'branch-envs' }, 'terminated')],
    ['an instance tagged for another tool', 'untagged', instance('i-1', { ManagedBy: 'someone-else' })],
    ['a managed instance', 'terminate', instance('i-1', { ManagedBy: 'branch-envs' })],
  ])('classifies %s as %s', (_label, expected, described) => {
    // Act + Assess
    expect(classify({ instanceId: 'i-1' }, described)).toBe(expected);
  });
});
