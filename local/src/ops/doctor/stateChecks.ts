import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { StageNames } from '../names';
import type { DeadLetterQueue } from '../queues';
import type { OpsClients } from '../target';
import { type CheckResult, fail, info, pass } from './check';

/** An empty DLQ passes; anything in one is a failure someone has to look at. */
export const dlqDepthChecks = (dlqs: DeadLetterQueue[]): CheckResult[] =>
  dlqs.map(({ service, dlq }) => {
    const depth = dlq.visible + dlq.inFlight;
    return depth === 0
      ? pass('dead letters', dlq.name, 'empty')
      : fail(
          'dead letters',
          dlq.name,
          `${depth} message(s)`,
          `branch-envs ops dlq show ${service}, fix the cause, then branch-envs ops dlq redrive ${service}`,
        );
  });

const stageAlarms = async (clients: OpsClients, names: StageNames): Promise<MetricAlarm[]> => {
  const alarms: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: names.prefix, MaxRecords: 100, NextToken }),
    );
    alarms.push(...(page.MetricAlarms ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return alarms;
};

/** Whatever alarms the stage has (named branch-envs-<stage>-…): ALARM fails, none at all is only said. */
export const alarmChecks = async (clients: OpsClients, names: StageNames): Promise<CheckResult[]> => {
  const alarms = await stageAlarms(clients, names);
  if (alarms.length === 0)
    return [info('alarms', `${names.prefix}-*`, 'no alarms are defined for this stage')];
  return alarms.map((alarm) => {
    const name = alarm.AlarmName ?? '?';
    if (alarm.StateValue === 'ALARM')
      return fail(
        'alarms',
        name,
        alarm.StateReason ?? 'in ALARM',
        'see the alarm in the CloudWatch console and the function logs it watches',
      );
    if (alarm.StateValue === 'INSUFFICIENT_DATA') return info('alarms', name, 'insufficient data');
    return pass('alarms', name, 'OK');
  });
};
