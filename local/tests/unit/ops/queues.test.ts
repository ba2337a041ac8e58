import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { deadLetterQueues, pickDeadLetterQueue, type QueueState, stageQueues } from '../../../src/ops/queues';

const sqsMock = mockClient(SQSClient);
const prefix = 'branch-envs-dev-';
const arn = (name: string) => `arn:aws:sqs:eu-north-1:123456789012:${name}`;
const url = (name: string) => `https://sqs.eu-north-1.amazonaws.com/123456789012/${name}`;

const state = (name: string, dlq?: string): QueueState => ({
  name,
  url: url(name),
  arn: arn(name),
  visible: 0,
  inFlight: 0,
  ...(dlq ? { deadLetterArn: arn(dlq), maxReceiveCount: 5 } : {}),
});

const queues = [
  state('branch-envs-dev-notifier', 'branch-envs-dev-notifier-dlq'),
  state('branch-envs-dev-notifier-dlq'),
  state('branch-envs-dev-provisioner', 'branch-envs-dev-provisioner-dlq'),
  state('branch-envs-dev-provisioner-dlq'),
  state('branch-envs-dev-provisioner-probes', 'branch-envs-dev-provisioner-probes-dlq'),
  state('branch-envs-dev-provisioner-probes-dlq'),
  state('branch-envs-dev-reaper-requests', 'branch-envs-dev-reaper-requests-dlq'),
  state('branch-envs-dev-reaper-requests-dlq'),
];

beforeEach(() => sqsMock.reset());

describe('deadLetterQueues', () => {
  it('pairs each DLQ with the queue whose RedrivePolicy names it, by the source queue name', () => {
    const pairs = deadLetterQueues(queues, prefix);

    expect(pairs.map((p) => [p.service, p.dlq.name, p.source.name])).toEqual([
      ['notifier', 'branch-envs-dev-notifier-dlq', 'branch-envs-dev-notifier'],
      ['provisioner', 'branch-envs-dev-provisioner-dlq', 'branch-envs-dev-provisioner'],
      ['provisioner-probes', 'branch-envs-dev-provisioner-probes-dlq', 'branch-envs-dev-provisioner-probes'],
      ['reaper-requests', 'branch-envs-dev-reaper-requests-dlq', 'branch-envs-dev-reaper-requests'],
    ]);
  });

  it('leaves out a redrive target that is not among the stage queues', () => {
    expect(deadLetterQueues([state('branch-envs-dev-x', 'elsewhere-dlq')], prefix)).toEqual([]);
  });
});

describe('pickDeadLetterQueue', () => {
  const pairs = deadLetterQueues(queues, prefix);

  it('takes an exact name first, so provisioner is not provisioner-probes', () => {
    expect(pickDeadLetterQueue(pairs, 'provisioner').dlq.name).toBe('branch-envs-dev-provisioner-dlq');
  });

  it('takes the one queue a service name starts', () => {
    expect(pickDeadLetterQueue(pairs, 'reaper').dlq.name).toBe('branch-envs-dev-reaper-requests-dlq');
  });

  it('names the queues there are when the name matches none', () => {
    expect(() => pickDeadLetterQueue(pairs, 'ingress')).toThrow(
      'no dead-letter queue for "ingress"; the stage has: notifier, provisioner, provisioner-probes, reaper-requests',
    );
  });
});

describe('stageQueues', () => {
  it('follows ListQueues pages and reads depth and RedrivePolicy from each queue', async () => {
    // Prepare: two pages, as SQS pages with NextToken
    sqsMock
      .on(ListQueuesCommand, { QueueNamePrefix: prefix, MaxResults: 1000, NextToken: undefined })
      .resolves({ QueueUrls: [url('branch-envs-dev-notifier')], NextToken: 'page-2' })
      .on(ListQueuesCommand, { NextToken: 'page-2' })
      .resolves({ QueueUrls: [url('branch-envs-dev-notifier-dlq')] });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('branch-envs-dev-notifier') }).resolves({
      Attributes: {
        QueueArn: arn('branch-envs-dev-notifier'),
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '1',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn('branch-envs-dev-notifier-dlq'),
          maxReceiveCount: 5,
        }),
      },
    });
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: url('branch-envs-dev-notifier-dlq') }).resolves({
      Attributes: {
        QueueArn: arn('branch-envs-dev-notifier-dlq'),
        ApproximateNumberOfMessages: '4',
        ApproximateNumberOfMessagesNotVisible: '0',
      },
    });

    // Act
    const found = await stageQueues(new SQSClient({ region: 'eu-north-1' }), prefix);

    // Assess
    expect(found).toEqual([
      { ...state('branch-envs-dev-notifier', 'branch-envs-dev-notifier-dlq'), inFlight: 1 },
      { ...state('branch-envs-dev-notifier-dlq'), visible: 4 },
    ]);
  });
});
