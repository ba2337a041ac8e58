import type { InvokeResult } from '../../src/runner/functionHost';
import { ScheduleClock, scheduledEvent, UnknownScheduleError } from '../../src/runner/scheduleClock';
import type { ScheduleBinding } from '../../src/templates/runtimeBindings';

const binding = (overrides: Partial<ScheduleBinding>): ScheduleBinding => ({
  id: 'SweepEventsRuleSchedule1',
  stackName: 'branch-envs-reaper-local',
  functionName: 'branch-envs-reaper-local-sweep',
  expression: 'rate(1 minute)',
  kind: 'events-rule',
  enabled: true,
  arn: 'arn:aws:events:eu-north-1:123456789012:rule/branch-envs-reaper-local-SweepEventsRuleSchedule1',
  ...overrides,
});

const ok: InvokeResult = { ok: true, value: null, durationMs: 1 };

describe('scheduledEvent', () => {
  it('is EventBridge’s Scheduled Event for a rule without input', () => {
    // Act
    const event = scheduledEvent(
      binding({}),
      new Date('2026-01-01T19:00:00.123Z'),
      'eu-north-1',
      '123456789012',
    );

    // Assess
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-01-01T19:00:00Z',
      region: 'eu-north-1',
      resources: [binding({}).arn],
      detail: {},
    });
  });

  it('is the configured input when the target has one', () => {
    expect(scheduledEvent(binding({ input: { kind: 'nightly' } }), new Date(), 'eu-north-1', '1')).toEqual({
      kind: 'nightly',
    });
  });
});

describe('ScheduleClock.fire', () => {
  it('fires on demand by logical id or by function name, loosely', async () => {
    // Prepare
    const invoked: string[] = [];
    const clock = new ScheduleClock({
      schedules: [
        binding({}),
        binding({
          id: 'NightlySchedulerSchedule1',
          functionName: 'branch-envs-reaper-local-nightly',
          kind: 'scheduler',
          expression: 'cron(0 19 * * ? *)',
          timezone: 'Europe/Helsinki',
        }),
      ],
      region: 'eu-north-1',
      accountId: '123456789012',
      invoke: async (name) => {
        invoked.push(name);
        return ok;
      },
    });

    // Act
    await clock.fire('SweepEventsRuleSchedule1');
    await clock.fire('nightly');

    // Assess
    expect(invoked).toEqual(['branch-envs-reaper-local-sweep', 'branch-envs-reaper-local-nightly']);
  });

  it('names the known schedules when asked for an unknown one', async () => {
    // Prepare
    const clock = new ScheduleClock({
      schedules: [binding({})],
      region: 'eu-north-1',
      accountId: '1',
      invoke: async () => ok,
    });

    // Act and Assess
    await expect(clock.fire('nope')).rejects.toThrow(UnknownScheduleError);
    await expect(clock.fire('nope')).rejects.toThrow(/SweepEventsRuleSchedule1/);
  });

  it('lists each schedule with its next fire time once started', () => {
    // Prepare
    const clock = new ScheduleClock({
      schedules: [binding({ expression: 'cron(0 19 * * ? *)', timezone: 'Europe/Helsinki' })],
      region: 'eu-north-1',
      accountId: '1',
      invoke: async () => ok,
      now: () => Date.parse('2026-01-15T12:00:00Z'),
    });

    // Act
    clock.start();
    const listed = clock.list();
    clock.stop();

    // Assess
    expect(listed).toEqual([
      expect.objectContaining({ timezone: 'Europe/Helsinki', next: '2026-01-15T17:00:00.000Z' }),
    ]);
  });
});
