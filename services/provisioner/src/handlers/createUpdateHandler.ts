import type { Logger } from '@aws-lambda-powertools/logger';
import { createEventConsumer } from '@branch-envs/shared/consumer';
import { contractsConsumedBy } from '@branch-envs/shared/events';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { checkUpdate } from '../domain/update/checkUpdate';
import { followBranch } from '../domain/update/offerBuild';
import type { UpdateDeps } from '../domain/update/ports';
import { handleUpdateRequested } from '../domain/update/requestUpdate';
import { branchesOfKey } from '../domain/update/updateInput';
import { ObjectCreatedEvent, UpdateCheckMessage } from '../domain/update/updateMessages';

const parseBody = (record: SQSRecord): unknown => {
  try {
    return JSON.parse(record.body) as unknown;
  } catch {
    return undefined;
  }
};

/** The key as S3 wrote it and, if it differs, URL-decoded (the form S3 notifications use elsewhere). */
const keyForms = (key: string): string[] => {
  try {
    return [...new Set([key, decodeURIComponent(key.replaceAll('+', ' '))])];
  } catch {
    return [key];
  }
};

/** One new artifact: every branch it may belong to gets that branch's whole build offered. */
const onObjectCreated = async (event: ObjectCreatedEvent, deps: UpdateDeps): Promise<void> => {
  const { bucket, object } = event.detail;
  if (bucket.name !== deps.settings.artifactBucket) {
    deps.log.warn('Ignoring an upload to another bucket', { bucket: bucket.name });
    return;
  }
  const branches = new Set(
    keyForms(object.key).flatMap((key) => branchesOfKey(deps.settings.artifacts, deps.settings.app, key)),
  );
  for (const branch of branches) await followBranch(branch, deps);
};

/** Routes one queue message; what can never become valid is logged and dropped, not retried. */
const handleRecord = async (record: SQSRecord, deps: UpdateDeps): Promise<void> => {
  const body = parseBody(record);
  const upload = ObjectCreatedEvent.safeParse(body);
  if (upload.success) return onObjectCreated(upload.data, deps);
  const check = UpdateCheckMessage.safeParse(body);
  if (check.success) {
    await checkUpdate(check.data, deps);
    return;
  }
  deps.log.warn('Dropping a message that is neither an S3 upload nor an update check', {
    messageId: record.messageId,
  });
};

/** The contracts the `update` function consumes (their declarations name it): `UpdateRequested`. */
const UPDATE_CONTRACTS = contractsConsumedBy('provisioner', 'update');
const CONTRACT_TYPES: ReadonlySet<string> = new Set(UPDATE_CONTRACTS.map((c) => c.detailType));

/** A record that carries one of our own events (not S3's, not a check): it goes through the consumer. */
const isContractEvent = (record: SQSRecord): boolean => {
  const body = parseBody(record) as { source?: unknown; 'detail-type'?: unknown } | undefined;
  return (
    typeof body?.source === 'string' &&
    body.source.startsWith('branch-envs.') &&
    CONTRACT_TYPES.has(String(body['detail-type']))
  );
};

export interface UpdateHandlerOptions extends Omit<UpdateDeps, 'log'> {
  logger: Logger;
  /** Where handled eventIds are remembered: the platform's idempotency table. */
  persistenceStore: Parameters<typeof createEventConsumer>[0]['persistenceStore'];
}

/**
 * The `update` function: S3 "Object Created" events (routed from the default bus to the stage bus
 * and on to this queue), `/deploy update` requests (UpdateRequested, parsed against its contract
 * and run once per eventId, ADR 0029), and the function's own delayed update checks. Records fail
 * one by one as partial batch responses, so a throttled SSM call retries only its own message.
 */
export const createUpdateHandler = (options: UpdateHandlerOptions) => {
  const { logger, persistenceStore, ...deps } = options;
  const consumeRequests = createEventConsumer({
    contracts: UPDATE_CONTRACTS,
    persistenceStore,
    logger,
    handler: async (event, { logger: log }) => {
      const outcome = await handleUpdateRequested(event.detail, { ...deps, log });
      log.info(`Handled ${event.detailType}`, { outcome });
    },
  });
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const requests = event.Records.filter(isContractEvent);
    const others = event.Records.filter((record) => !isContractEvent(record));
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    if (requests.length > 0)
      batchItemFailures.push(...(await consumeRequests({ Records: requests }, context)).batchItemFailures);
    for (const record of others) {
      const log = logger.createChild({ persistentKeys: { messageId: record.messageId } });
      try {
        await handleRecord(record, { ports: deps.ports, settings: deps.settings, log });
      } catch (error) {
        log.error('The update message failed; it will be retried', { error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
};
