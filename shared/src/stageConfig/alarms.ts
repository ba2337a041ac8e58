/**
 * The alarms every stack gets without writing them (shared/osls/stackAlarms.cjs adds them at
 * package time): one per dead-letter queue (anything in it) and one per Lambda function (any error),
 * each notifying the config's `alarms.topicArn` when it fires and when it clears. A queue is a DLQ
 * when another queue's RedrivePolicy names it, so a new DLQ cannot be forgotten.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}
export type Resources = Record<string, CfnResource>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The logical id `{ 'Fn::GetAtt': [id, 'Arn'] }` (or `!GetAtt id.Arn`) names, if it is one. */
const getAttTarget = (value: unknown): string | undefined => {
  if (!isRecord(value)) return undefined;
  const inner = value['Fn::GetAtt'];
  if (Array.isArray(inner)) return typeof inner[0] === 'string' ? inner[0] : undefined;
  return typeof inner === 'string' ? inner.split('.')[0] : undefined;
};

/** Logical ids of the queues some queue's RedrivePolicy sends its failures to. */
export const deadLetterQueues = (resources: Resources): string[] => {
  const found = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::SQS::Queue') continue;
    const redrive = resource.Properties?.RedrivePolicy;
    const target = isRecord(redrive) ? getAttTarget(redrive.deadLetterTargetArn) : undefined;
    if (target && resources[target]?.Type === 'AWS::SQS::Queue') found.add(target);
  }
  return [...found].sort();
};

/** The queue an alarm watches, when it is an AWS/SQS alarm on a queue of this template. */
export const alarmedQueue = (alarm: CfnResource): string | undefined => {
  const props = alarm.Properties;
  if (alarm.Type !== 'AWS::CloudWatch::Alarm' || props?.Namespace !== 'AWS/SQS') return undefined;
  const dimensions = Array.isArray(props.Dimensions) ? props.Dimensions : [];
  const queue = dimensions.find((d) => isRecord(d) && d.Name === 'QueueName');
  return isRecord(queue) ? getAttTarget(queue.Value) : undefined;
};

const anyInFiveMinutes = {
  Period: 300,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
};

const deadLetterAlarm = (queueId: string, queue: CfnResource): CfnResource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: `${String(queue.Properties?.QueueName ?? queueId)}-not-empty`,
    AlarmDescription:
      'Messages were moved to this dead-letter queue after failing every retry; read the function logs, fix the cause, then redrive them (docs/deploy-to-aws.md, Operations).',
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    Statistic: 'Maximum',
    ...anyInFiveMinutes,
  },
});

const functionErrorsAlarm = (functionId: string, fn: CfnResource): CfnResource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: `${String(fn.Properties?.FunctionName ?? functionId)}-errors`,
    AlarmDescription:
      'The function threw or timed out; its CloudWatch logs (correlationId, deployId) say on which event.',
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
    Statistic: 'Sum',
    ...anyInFiveMinutes,
  },
});

/**
 * The alarms `resources` lacks: DLQs without an alarm of their own, and every function. Logical ids
 * are `<id>NotEmptyAlarm` and `<id>ErrorsAlarm`.
 */
export const missingAlarms = (resources: Resources): Resources => {
  const alarmed = new Set(Object.values(resources).map(alarmedQueue).filter(Boolean));
  const added: Resources = {};
  for (const queueId of deadLetterQueues(resources)) {
    const queue = resources[queueId];
    if (queue && !alarmed.has(queueId)) added[`${queueId}NotEmptyAlarm`] = deadLetterAlarm(queueId, queue);
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Function')
      added[`${id}ErrorsAlarm`] = functionErrorsAlarm(id, resource);
  }
  return added;
};

/** Points every alarm without actions at the topic; '' leaves them without actions. */
export const notifyTopic = (resources: Resources, topicArn: string): void => {
  if (topicArn === '') return;
  for (const resource of Object.values(resources)) {
    const props = resource.Properties;
    if (resource.Type !== 'AWS::CloudWatch::Alarm' || !props || props.AlarmActions !== undefined) continue;
    props.AlarmActions = [topicArn];
    props.OKActions = [topicArn];
  }
};
