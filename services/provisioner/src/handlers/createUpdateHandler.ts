import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { checkUpdate } from '../domain/update/checkUpdate';
import { followBranch } from '../domain/update/offerBuild';
import type { UpdateDeps } from '../domain/update/ports';
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

/**
 * The `update` function: S3 "Object Created" events (routed from the default bus to the stage bus
 * and on to this queue) and the function's own delayed update checks. Records fail one by one as
 * partial batch responses, so a throttled SSM call retries only its own message.
 */
export const createUpdateHandler =
  (deps: Omit<UpdateDeps, 'log'> & { logger: Logger }) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const log = deps.logger.createChild({ persistentKeys: { messageId: record.messageId } });
      try {
        await handleRecord(record, { ports: deps.ports, settings: deps.settings, log });
      } catch (error) {
        log.error('The update message failed; it will be retried', { error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
