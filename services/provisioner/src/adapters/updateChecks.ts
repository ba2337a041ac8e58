import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { UpdateChecks } from '../domain/update/ports';
import { UpdateCheckMessage } from '../domain/update/updateMessages';

/** The update's clock, like the probes': a message on the updates queue, visible after a delay. */
export const createUpdateChecks = (sqs: SQSClient, queueUrl: string): UpdateChecks => ({
  async schedule(message, delaySeconds) {
    const body = UpdateCheckMessage.parse(message);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(body),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
      }),
    );
  },
});
