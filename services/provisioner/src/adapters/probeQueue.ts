import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ProbeScheduler } from '../domain/ports';
import { ProbeMessage } from '../domain/readiness/probeMessage';

/**
 * The readiness loop's clock: each probe is a message on the provisioner's own queue that becomes
 * visible after `delaySeconds` (SQS allows up to 900). Messages are parsed before sending, as
 * events are before publishing.
 */
export const createProbeScheduler = (sqs: SQSClient, queueUrl: string): ProbeScheduler => ({
  async schedule(message, delaySeconds) {
    const body = ProbeMessage.parse(message);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(body),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
      }),
    );
  },
});
