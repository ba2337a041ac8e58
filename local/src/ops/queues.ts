import { GetQueueAttributesCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { OpsUsageError } from './target';

/** A queue of the stage as SQS reports it. */
export interface QueueState {
  name: string;
  url: string;
  arn: string;
  /** ApproximateNumberOfMessages: visible, waiting to be received. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received and not yet deleted. */
  inFlight: number;
  /** The DLQ named by the queue's RedrivePolicy, if it has one. */
  deadLetterArn?: string;
  maxReceiveCount?: number;
}

/** A dead-letter queue with the queue whose failures it holds. */
export interface DeadLetterQueue {
  /** What `ops dlq show|redrive <service>` is called with: the source queue's name after the stage prefix. */
  service: string;
  dlq: QueueState;
  source: QueueState;
}

const nameOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

const redriveOf = (policy: string | undefined) => {
  if (!policy) return {};
  const parsed = JSON.parse(policy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
  return {
    ...(parsed.deadLetterTargetArn ? { deadLetterArn: parsed.deadLetterTargetArn } : {}),
    ...(parsed.maxReceiveCount !== undefined ? { maxReceiveCount: Number(parsed.maxReceiveCount) } : {}),
  };
};

export const queueState = async (sqs: SQSClient, url: string): Promise<QueueState> => {
  const attributes =
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'QueueArn',
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'RedrivePolicy',
          ],
        }),
      )
    ).Attributes ?? {};
  return {
    name: nameOf(url),
    url,
    arn: attributes.QueueArn ?? '',
    visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    ...redriveOf(attributes.RedrivePolicy),
  };
};

/** Every queue whose name starts with the stage prefix, following ListQueues' pages. */
export const stageQueues = async (sqs: SQSClient, prefix: string): Promise<QueueState[]> => {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken }),
    );
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return Promise.all(urls.map((url) => queueState(sqs, url)));
};

/** Pairs each DLQ with the queue whose RedrivePolicy names it; queues nobody redrives to are not DLQs. */
export const deadLetterQueues = (queues: QueueState[], prefix: string): DeadLetterQueue[] => {
  const byArn = new Map(queues.map((q) => [q.arn, q]));
  return queues
    .flatMap((source) => {
      const dlq = source.deadLetterArn ? byArn.get(source.deadLetterArn) : undefined;
      const service = source.name.startsWith(prefix) ? source.name.slice(prefix.length) : source.name;
      return dlq ? [{ service, dlq, source }] : [];
    })
    .sort((a, b) => a.service.localeCompare(b.service));
};

/** `slack-ingress` finds `slack-ingress-home`: an exact name first, else the one name it starts. */
export const pickDeadLetterQueue = (dlqs: DeadLetterQueue[], service: string): DeadLetterQueue => {
  const exact = dlqs.find((d) => d.service === service);
  if (exact) return exact;
  const starting = dlqs.filter((d) => d.service.startsWith(`${service}-`));
  if (starting.length === 1 && starting[0]) return starting[0];
  const names = dlqs.map((d) => d.service).join(', ') || 'none';
  const why = starting.length > 1 ? `"${service}" matches several` : `no dead-letter queue for "${service}"`;
  throw new OpsUsageError(`${why}; the stage has: ${names}`);
};
