import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { stackChecks } from '../../../src/ops/doctor/infraChecks';
import { secretCheck } from '../../../src/ops/doctor/secretChecks';
import { alarmChecks, dlqDepthChecks } from '../../../src/ops/doctor/stateChecks';
import { stageNames } from '../../../src/ops/names';
import type { OpsClients } from '../../../src/ops/target';

const ssmMock = mockClient(SSMClient);
const cwMock = mockClient(CloudWatchClient);
const clients = { ssm: new SSMClient({}), cloudWatch: new CloudWatchClient({}) } as unknown as OpsClients;
const target = { stage: 'dev', region: 'eu-north-1' };
const names = stageNames('dev');
const parameter = {
  name: '/branch-envs/dev/github/token',
  variable: 'GITHUB_TOKEN_PARAM',
  granted: true,
  service: 'notifier',
};

beforeEach(() => {
  ssmMock.reset();
  cwMock.reset();
});

describe('secretCheck', () => {
  it('passes a readable SecureString without putting its value in the result', async () => {
    ssmMock
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: parameter.name, Type: 'SecureString', Value: 'ghp_secret' } });

    const result = await secretCheck(clients, target, parameter);

    expect(result).toEqual({
      group: 'secrets',
      name: `${parameter.name} (notifier)`,
      status: 'pass',
      detail: 'SecureString, readable by notifier',
    });
    expect(JSON.stringify(result)).not.toContain('ghp_secret');
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input.WithDecryption).toBe(true);
  });

  it('fails a missing parameter with the put-parameter command that fixes it', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));

    const result = await secretCheck(clients, target, parameter);

    expect(result).toMatchObject({ status: 'fail', detail: 'missing' });
    expect(result.fix).toContain(
      'aws ssm put-parameter --region eu-north-1 --type SecureString --name /branch-envs/dev/github/token',
    );
  });

  it('only notes a missing optional webhook URL: the feature is off', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));

    const result = await secretCheck(clients, target, {
      ...parameter,
      name: '/branch-envs/dev/slack/webhook-url',
    });

    expect(result).toMatchObject({ status: 'info', detail: 'not set: the feature it configures is off' });
  });

  it('fails a parameter the service role is not granted, before reading it', async () => {
    const result = await secretCheck(clients, target, { ...parameter, granted: false });

    expect(result).toMatchObject({
      status: 'fail',
      detail: 'the notifier stack grants no ssm:GetParameter on it',
    });
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(0);
  });
});

describe('alarmChecks', () => {
  it('says there are no alarms rather than failing', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });

    expect(await alarmChecks(clients, names)).toEqual([
      {
        group: 'alarms',
        name: 'branch-envs-dev-*',
        status: 'info',
        detail: 'no alarms are defined for this stage',
      },
    ]);
    expect(cwMock.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input.AlarmNamePrefix).toBe(
      'branch-envs-dev',
    );
  });

  it('fails an alarm in ALARM with its reason, and passes one that is OK', async () => {
    cwMock.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'branch-envs-dev-notifier-dlq',
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (0.0).',
        },
        { AlarmName: 'branch-envs-dev-ingress-errors', StateValue: 'OK' },
      ],
    });

    const [inAlarm, ok] = await alarmChecks(clients, names);

    expect(inAlarm).toMatchObject({
      status: 'fail',
      name: 'branch-envs-dev-notifier-dlq',
      detail: expect.stringContaining('Threshold Crossed'),
    });
    expect(ok).toMatchObject({ status: 'pass', name: 'branch-envs-dev-ingress-errors' });
  });
});

describe('stackChecks', () => {
  it('fails a stack that is missing or rolled back, and platform outputs that name other resources', () => {
    const results = stackChecks(target, names, [
      { service: 'notifier', stackName: 'branch-envs-notifier-dev', outputs: {} },
      {
        service: 'reaper',
        stackName: 'branch-envs-reaper-dev',
        status: 'UPDATE_ROLLBACK_FAILED',
        outputs: {},
      },
      {
        service: 'platform',
        stackName: 'branch-envs-platform-dev',
        status: 'UPDATE_COMPLETE',
        outputs: { EventBusName: 'other-bus' },
      },
    ]);

    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['branch-envs-notifier-dev', 'fail', 'not deployed'],
      ['branch-envs-reaper-dev', 'fail', 'status UPDATE_ROLLBACK_FAILED'],
      [
        'branch-envs-platform-dev',
        'fail',
        'EventBusName is other-bus, expected branch-envs-dev-bus; EventArchiveName is missing, expected branch-envs-dev-archive; DeploymentsTableName is missing, expected branch-envs-dev-deployments; IdempotencyTableName is missing, expected branch-envs-dev-idempotency',
      ],
    ]);
    expect(results[0]?.fix).toBe('cd services/notifier && npx osls deploy --stage dev --region eu-north-1');
  });
});

describe('dlqDepthChecks', () => {
  it('fails a DLQ holding messages with the commands that show and redrive them', () => {
    const queue = (name: string, visible: number) => ({ name, url: '', arn: '', visible, inFlight: 0 });
    const [result] = dlqDepthChecks([
      {
        service: 'notifier',
        dlq: queue('branch-envs-dev-notifier-dlq', 2),
        source: queue('branch-envs-dev-notifier', 0),
      },
    ]);

    expect(result).toMatchObject({ status: 'fail', detail: '2 message(s)' });
    expect(result?.fix).toBe(
      'branch-envs ops dlq show notifier, fix the cause, then branch-envs ops dlq redrive notifier',
    );
  });
});
