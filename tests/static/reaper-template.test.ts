/**
 * The reaper's packaged template (`npm run package`, stage `local`): its triggers, the two queues
 * and their DLQs, and a nightly schedule that agrees with the time logic the function runs.
 */

import {
  nightlyCronExpression,
  nightlyRunOn,
  parseWallClock,
} from '../../services/reaper/src/domain/nightlySchedule';
import { parseCompoundDuration } from '../../shared/src/duration';
import { type CfnTemplate, readTemplate, resourcesOfType } from '../helpers/templates';

type Props = Record<string, unknown>;

describe('reaper template: triggers', () => {
  let template: CfnTemplate;

  beforeAll(() => {
    // Prepare
    template = readTemplate('reaper');
  });

  const props = (logicalId: string): Props => template.Resources[logicalId]?.Properties ?? {};
  const env = (logicalId: string) =>
    (props(logicalId).Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
  const ruleTargeting = (functionLogicalId: string) =>
    resourcesOfType(template, 'AWS::Events::Rule').find(({ resource }) =>
      JSON.stringify(resource.Properties?.Targets).includes(`"${functionLogicalId}"`),
    )?.resource.Properties;

  const mappingOf = (queueLogicalId: string) =>
    resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(({ resource }) =>
      JSON.stringify(resource.Properties?.EventSourceArn).includes(`"${queueLogicalId}"`),
    )?.resource.Properties;

  it('has the four functions the local runner fires by name, and the queue-fed interruptions function', () => {
    // Act
    const names = resourcesOfType(template, 'AWS::Lambda::Function').map(
      ({ resource }) => resource.Properties?.FunctionName,
    );

    // Assess
    expect(names.sort()).toEqual(
      ['interruptions', 'nightly', 'reconcile', 'requests', 'sweep'].map(
        (n) => `branch-envs-reaper-local-${n}`,
      ),
    );
  });

  it("reconciles only instances tagged with the stack's stage", () => {
    // Act
    const reconcile = resourcesOfType(template, 'AWS::Lambda::Function').find(
      ({ resource }) => resource.Properties?.FunctionName === 'branch-envs-reaper-local-reconcile',
    );

    // Assess
    expect(env(reconcile?.logicalId ?? '')).toMatchObject({ STAGE: 'local', RECONCILE_STAGE_TAG: 'Stage' });
  });

  it('sweeps every minute and reconciles every hour', () => {
    // Assess
    expect(ruleTargeting('SweepLambdaFunction')?.ScheduleExpression).toBe('rate(1 minute)');
    expect(ruleTargeting('ReconcileLambdaFunction')?.ScheduleExpression).toBe('rate(1 hour)');
  });

  it('schedules the nightly run with EventBridge Scheduler at the time and zone the function is told', () => {
    // Prepare
    const [schedule] = resourcesOfType(template, 'AWS::Scheduler::Schedule');
    const variables = env('NightlyLambdaFunction');
    const time = parseWallClock(variables.NIGHTLY_TIME ?? '');

    // Assess
    expect(time).toBeDefined();
    const nightly = { ...(time ?? { hour: -1, minute: -1 }), timeZone: variables.NIGHTLY_TIMEZONE ?? '' };
    expect(schedule?.resource.Properties).toMatchObject({
      ScheduleExpression: nightlyCronExpression(nightly),
      ScheduleExpressionTimezone: nightly.timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(nightlyRunOn({ year: 2026, month: 7, day: 1 }, nightly)?.toISOString()).toBe(
      '2026-07-01T16:00:00.000Z',
    );
  });

  it('passes Scheduler’s scheduled time, and stops retrying before the handler would drop the run anyway', () => {
    // Prepare
    const [schedule] = resourcesOfType(template, 'AWS::Scheduler::Schedule');
    const target = schedule?.resource.Properties?.Target as {
      Input: string;
      RetryPolicy: { MaximumEventAgeInSeconds: number };
    };
    const lateness = parseCompoundDuration(env('NightlyLambdaFunction').NIGHTLY_MAX_LATENESS ?? '') ?? 0;

    // Assess
    expect(JSON.parse(target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(lateness);
  });

  it('feeds the requests function from a queue with a DLQ and a visibility timeout of at least 6x its timeout', () => {
    // Prepare
    const queue = props('RequestsQueue');

    // Assess
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['RequestsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * Number(props('RequestsLambdaFunction').Timeout),
    );
    expect(mappingOf('RequestsQueue')).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['RequestsQueue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('feeds the interruptions function from its own queue with a DLQ, and only the Spot rule may send to it', () => {
    // Prepare
    const queue = props('InterruptionsQueue');
    const rule = props('SpotInterruptionRule');
    const policy = JSON.stringify(props('InterruptionsQueuePolicy'));

    // Assess
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['InterruptionsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * Number(props('InterruptionsLambdaFunction').Timeout),
    );
    expect(mappingOf('InterruptionsQueue')).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(rule).toMatchObject({
      EventBusName: 'branch-envs-local-bus',
      EventPattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
      Targets: [{ Arn: { 'Fn::GetAtt': ['InterruptionsQueue', 'Arn'] } }],
    });
    expect(policy).toContain('"aws:SourceArn":{"Fn::GetAtt":["SpotInterruptionRule","Arn"]}');
  });

  it('routes its requests rule from the stage’s bus to that queue, and only that rule may send', () => {
    // Prepare
    const rule = props('RequestsRule');
    const policy = JSON.stringify(props('RequestsQueuePolicy'));

    // Assess
    expect(rule).toMatchObject({
      EventBusName: 'branch-envs-local-bus',
      Targets: [{ Arn: { 'Fn::GetAtt': ['RequestsQueue', 'Arn'] } }],
    });
    expect(policy).toContain('"aws:SourceArn":{"Fn::GetAtt":["RequestsRule","Arn"]}');
  });
});
