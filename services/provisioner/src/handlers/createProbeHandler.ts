import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { receiveCountOf } from '@branch-envs/shared/consumer';
import { ContractViolationError } from '@branch-envs/shared/errors';
import { loggerFor, logger as rootLogger } from '@branch-envs/shared/observability';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ProbeContext, ProbeOutcome } from '../domain/readiness/probe';
import { ProbeMessage } from '../domain/readiness/probeMessage';

export interface ProbeHandlerOptions {
  prober: { handle(message: ProbeMessage, context: ProbeContext): Promise<ProbeOutcome> };
  logger?: Logger;
}

/** Parses a probe message body; a body that is not one is a bug, and goes to the DLQ after retries. */
export const parseProbeMessage = (body: string): ProbeMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ContractViolationError('ProbeMessage', ['body: not JSON']);
  }
  const parsed = ProbeMessage.safeParse(json);
  if (!parsed.success) {
    throw new ContractViolationError(
      'ProbeMessage',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  return parsed.data;
};

/**
 * The `probe` function: one readiness probe per message of the provisioner's probe queue. Records
 * are independent and run in parallel; a failed one comes back alone (partial batch response).
 */
export const createProbeHandler = ({ prober, logger = rootLogger }: ProbeHandlerOptions) => {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<ProbeOutcome> => {
    const message = parseProbeMessage(record.body);
    const log = loggerFor({ correlationId: message.cause.correlationId, deployId: message.deployId }, logger);
    const redelivered = receiveCountOf(record) > 1;
    const outcome = await prober.handle(message, { redelivered, log });
    log.info('Probe finished', { outcome, attempt: message.attempt, instanceId: message.instanceId });
    return outcome;
  };
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
