import { DescribeReplayCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { replayNameFor, waitForReplay } from '../../../src/ops/replay';

const ebMock = mockClient(EventBridgeClient);
const eventBridge = new EventBridgeClient({ region: 'eu-north-1' });
const window = { from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T11:00:00Z') };

beforeEach(() => ebMock.reset());

describe('waitForReplay', () => {
  it('reports progress from EventLastReplayedTime until the replay completes', async () => {
    // Prepare: DescribeReplay as EventBridge documents it, STARTING → RUNNING → COMPLETED
    const base = { ReplayName: 'ops-dev-1', ReplayStartTime: new Date('2026-12-01T12:00:00Z') };
    ebMock
      .on(DescribeReplayCommand)
      .resolvesOnce({ ...base, State: 'STARTING' })
      .resolvesOnce({ ...base, State: 'RUNNING', EventLastReplayedTime: new Date('2026-12-01T10:45:00Z') })
      .resolves({ ...base, State: 'COMPLETED', ReplayEndTime: new Date('2026-12-01T12:01:00Z') });
    const seen: [number, string][] = [];

    // Act
    const outcome = await waitForReplay(eventBridge, 'ops-dev-1', window, {
      sleep: () => Promise.resolve(),
      onProgress: (fraction, state) => seen.push([fraction, state]),
    });

    // Assess
    expect(seen).toEqual([
      [0, 'STARTING'],
      [0.75, 'RUNNING'],
      [1, 'COMPLETED'],
    ]);
    expect(outcome).toEqual({
      replayName: 'ops-dev-1',
      state: 'COMPLETED',
      startedAt: '2026-12-01T12:00:00.000Z',
      endedAt: '2026-12-01T12:01:00.000Z',
    });
  });

  it('ends on FAILED with the StateReason', async () => {
    ebMock.on(DescribeReplayCommand).resolves({ State: 'FAILED', StateReason: 'Destination bus not found' });

    const outcome = await waitForReplay(eventBridge, 'ops-dev-2', window, { sleep: () => Promise.resolve() });

    expect(outcome).toEqual({
      replayName: 'ops-dev-2',
      state: 'FAILED',
      reason: 'Destination bus not found',
    });
  });
});

describe('replayNameFor', () => {
  it('makes a name EventBridge accepts ([.-_A-Za-z0-9], at most 64 characters)', () => {
    const name = replayNameFor('ops-count', 'production-eu', new Date('2026-12-01T10:00:00.123Z'));

    expect(name).toBe('ops-count-production-eu-20261201T100000-123Z');
    expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
  });
});
