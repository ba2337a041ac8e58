import { deadLetterQueues, missingAlarms, notifyTopic, type Resources } from '../../src/stageConfig/alarms';

const TOPIC = 'arn:aws:sns:eu-north-1:123456789012:branch-envs-alarms';

/** A stack in the shape osls compiles: a queue with a DLQ, a function, and an alarm already on the DLQ. */
const stack = (): Resources => ({
  Queue: {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: 'branch-envs-prod-notifier',
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    },
  },
  DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'branch-envs-prod-notifier-dlq' } },
  NotifyLambdaFunction: {
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: 'branch-envs-notifier-prod-notify' },
  },
});

describe('the stack alarms', () => {
  it('finds a DLQ by the RedrivePolicy that names it, not by its name', () => {
    // Prepare
    const resources = stack();
    (resources.DeadLetterQueue as { Properties: Record<string, unknown> }).Properties.QueueName = 'failures';

    // Act + Assess
    expect(deadLetterQueues(resources)).toEqual(['DeadLetterQueue']);
  });

  it('adds a not-empty alarm per DLQ and an errors alarm per function', () => {
    // Act
    const added = missingAlarms(stack());

    // Assess
    expect(Object.keys(added).sort()).toEqual([
      'DeadLetterQueueNotEmptyAlarm',
      'NotifyLambdaFunctionErrorsAlarm',
    ]);
    expect(added.DeadLetterQueueNotEmptyAlarm?.Properties).toMatchObject({
      AlarmName: 'branch-envs-prod-notifier-dlq-not-empty',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(added.NotifyLambdaFunctionErrorsAlarm?.Properties).toMatchObject({
      AlarmName: 'branch-envs-notifier-prod-notify-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'NotifyLambdaFunction' } }],
      Statistic: 'Sum',
    });
  });

  it('adds no second alarm to a DLQ that has one written by hand', () => {
    // Prepare
    const resources: Resources = {
      ...stack(),
      DeadLetterAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Namespace: 'AWS/SQS',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
        },
      },
    };

    // Act + Assess
    expect(Object.keys(missingAlarms(resources))).toEqual(['NotifyLambdaFunctionErrorsAlarm']);
  });

  it('notifies the topic when an alarm fires and when it clears, keeping actions written by hand', () => {
    // Prepare
    const resources = { ...stack(), ...missingAlarms(stack()) };
    const own = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { AlarmActions: ['arn:aws:sns:eu-north-1:123456789012:pager'] },
    };
    resources.OwnAlarm = own;

    // Act
    notifyTopic(resources, TOPIC);

    // Assess
    expect(resources.DeadLetterQueueNotEmptyAlarm?.Properties).toMatchObject({
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
    });
    expect(resources.NotifyLambdaFunctionErrorsAlarm?.Properties).toMatchObject({ AlarmActions: [TOPIC] });
    expect(own.Properties).toEqual({ AlarmActions: ['arn:aws:sns:eu-north-1:123456789012:pager'] });
  });

  it('leaves alarms without actions when the config names no topic', () => {
    // Prepare
    const resources = missingAlarms(stack());

    // Act
    notifyTopic(resources, '');

    // Assess
    for (const alarm of Object.values(resources)) expect(alarm.Properties?.AlarmActions).toBeUndefined();
  });
});
