import type { DoctorReport } from '../../../src/ops/doctor/runDoctor';
import { formatCount, formatDoctor, formatEnvs, plain, table } from '../../../src/ops/format';

describe('formatDoctor', () => {
  it('prints each check under its group with ✓, ✗ and the fix, then the number that failed', () => {
    // Prepare
    const report: DoctorReport = {
      ok: false,
      stage: 'dev',
      region: 'eu-north-1',
      checks: [
        {
          group: 'secrets',
          name: '/branch-envs/dev/slack/bot-token (notifier)',
          status: 'pass',
          detail: 'SecureString',
        },
        {
          group: 'secrets',
          name: '/branch-envs/dev/github/token (notifier)',
          status: 'fail',
          detail: 'missing',
          fix: 'aws ssm put-parameter …',
        },
        {
          group: 'alarms',
          name: 'branch-envs-dev-*',
          status: 'info',
          detail: 'no alarms are defined for this stage',
        },
      ],
    };

    // Act
    const text = formatDoctor(report, plain);

    // Assess
    expect(text.split('\n')).toEqual([
      'branch-envs dev (eu-north-1)',
      'secrets',
      '  ✓ /branch-envs/dev/slack/bot-token (notifier) — SecureString',
      '  ✗ /branch-envs/dev/github/token (notifier) — missing',
      '      fix: aws ssm put-parameter …',
      'alarms',
      '  · branch-envs-dev-* — no alarms are defined for this stage',
      '1 check(s) failed',
    ]);
  });
});

describe('table', () => {
  it('pads every column to its widest cell', () => {
    expect(
      table(
        ['A', 'LONGER'],
        [
          ['wide cell', 'x'],
          ['b', 'y'],
        ],
      ),
    ).toBe('A          LONGER\nwide cell  x\nb          y');
  });
});

describe('formatCount', () => {
  it('lists the counts by type in name order with the total', () => {
    const text = formatCount({ total: 3, byType: { InstanceReady: 1, BranchResolved: 2 }, replayName: 'r' });

    expect(text).toBe(
      'EVENT TYPE      COUNT\nBranchResolved  2\nInstanceReady   1\n3 event(s) in the window',
    );
  });

  it('says so when the window holds nothing', () => {
    expect(formatCount({ total: 0, byType: {}, replayName: 'r' })).toBe('no archived events in the window');
  });
});

describe('formatEnvs', () => {
  it('shows age and time left in Slack durations, and an expiry that has passed as expired', () => {
    const env = {
      deployId: '01KB',
      owner: 'maija',
      branch: 'demo',
      state: 'READY',
      createdAt: '',
      expiresAt: '',
    };
    const text = formatEnvs({
      environments: [
        { ...env, ageSeconds: 5400, expiresInSeconds: 9000 },
        { ...env, deployId: '01KC', ageSeconds: 60, expiresInSeconds: -5 },
      ],
      unreadable: 1,
    });

    expect(text.split('\n')).toEqual([
      'DEPLOY ID  OWNER  BRANCH  STATE  AGE     EXPIRES IN',
      '01KB       maija  demo    READY  1h 30m  2h 30m',
      '01KC       maija  demo    READY  1m      expired',
      '(1 live item(s) did not parse as deployments)',
    ]);
  });
});
