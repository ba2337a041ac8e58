import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { ReaperDeps } from '../domain/ports';
import { handleSpotInterruption } from '../domain/spotInterruption';
import type { Runtime } from '../wiring';
import { passOverQueue } from './createScheduledHandlers';
import { flushing } from './flushing';

/**
 * AWS's "EC2 Spot Instance Interruption Warning" (Amazon EC2 User Guide, "Spot Instance
 * interruption notices"): only the fields the reaper reads; the rest passes.
 */
export const SpotInterruptionEvent = z.object({
  source: z.literal('aws.ec2'),
  'detail-type': z.literal('EC2 Spot Instance Interruption Warning'),
  detail: z.object({
    'instance-id': z.string().regex(/^i-[0-9a-f]{8,17}$/),
    'instance-action': z.enum(['terminate', 'stop', 'hibernate']),
  }),
});

const parseBody = (record: SQSRecord): unknown => {
  try {
    return JSON.parse(record.body) as unknown;
  } catch {
    return undefined;
  }
};

/** One warning; a message that can never become valid is logged and dropped, not retried. */
const handleRecord = async (record: SQSRecord, rt: Runtime, deps: ReaperDeps): Promise<void> => {
  const parsed = SpotInterruptionEvent.safeParse(parseBody(record));
  if (!parsed.success) {
    deps.log.warn('Dropping a message that is not a Spot interruption warning', {
      messageId: record.messageId,
    });
    return;
  }
  const { detail } = parsed.data;
  const warning = { instanceId: detail['instance-id'], action: detail['instance-action'] };
  const outcome = await handleSpotInterruption(warning, deps, rt.config.stage);
  deps.log.info('Handled a Spot interruption warning', { outcome: outcome.kind });
  if (outcome.kind === 'terminating') await passOverQueue(deps);
};

/**
 * The `interruptions` function: Spot interruption warnings that the platform forwards from the
 * default bus to the stage bus, and the reaper's rule to its queue. Idempotent by the record's
 * state (these are AWS events, not our contracts); partial batch responses, one logger per message.
 */
export const createInterruptionsHandler = (rt: Runtime): ((event: SQSEvent) => Promise<SQSBatchResponse>) =>
  flushing(rt, async (event: SQSEvent) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const log = rt.logger.createChild({ persistentKeys: { messageId: record.messageId } });
      try {
        await handleRecord(record, rt, { ...rt.deps, log });
      } catch (error) {
        log.error('The Spot interruption warning failed; it will be retried', { error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
