import { type EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { motoClientConfig } from '../../local/src/aws/moto';

/** The moto endpoint started by the jest global setup; integration tests fail clearly without it. */
export const motoEndpoint = (): string => {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'MOTO_ENDPOINT is not set: run integration tests through jest (global setup starts moto)',
    );
  return endpoint;
};

export const motoConfig = () => motoClientConfig(motoEndpoint());

/** A unique, readable suffix so tests sharing one moto server never collide. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * A fresh queue that an EventBridge rule on `busName` fills with the events matching `pattern`, as a
 * service stack routes its input (or as a test taps the bus). Names default to unique ones.
 */
export const queueRoutedFrom = async (
  clients: { eventBridge: EventBridgeClient; sqs: SQSClient },
  busName: string,
  pattern: unknown,
  names: { queue?: string; rule?: string } = {},
): Promise<string> => {
  const queueName = names.queue ?? uniqueName('queue');
  const queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? '';
  const arn = (
    await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    )
  ).Attributes?.QueueArn;
  const rule = names.rule ?? uniqueName('rule');
  await clients.eventBridge.send(
    new PutRuleCommand({ Name: rule, EventBusName: busName, EventPattern: JSON.stringify(pattern) }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({ Rule: rule, EventBusName: busName, Targets: [{ Id: 'queue', Arn: arn }] }),
  );
  return queueUrl;
};
