import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateDocumentCommand, UpdateDocumentCommand } from '@aws-sdk/client-ssm';
import { awsErrorName } from '../aws/clients';
import { isRecord } from './cfnTypes';
import type { ApplyOutcome, ResourceApplier } from './resourceAppliers';

const contentOf = (content: unknown): string =>
  typeof content === 'string' ? content : JSON.stringify(content);

/**
 * AWS::SSM::Document: created in moto with its content as JSON (CloudFormation takes it as an
 * object), or updated to a new version when the stack is applied again. An unchanged content is
 * not a change.
 */
export const applyDocument: ResourceApplier = async ({ name, props, clients }): Promise<ApplyOutcome> => {
  const input = {
    Name: name,
    Content: contentOf(props.Content),
    DocumentFormat: 'JSON' as const,
  };
  try {
    await clients.ssm.send(
      new CreateDocumentCommand({ ...input, DocumentType: (props.DocumentType as 'Command') ?? 'Command' }),
    );
    return 'created';
  } catch (error) {
    if (awsErrorName(error) !== 'DocumentAlreadyExists') throw error;
  }
  try {
    await clients.ssm.send(new UpdateDocumentCommand({ ...input, DocumentVersion: '$LATEST' }));
  } catch (error) {
    if (awsErrorName(error) !== 'DuplicateDocumentContent') throw error;
  }
  return 'updated';
};

/** A bucket with `NotificationConfiguration.EventBridgeConfiguration` gets S3 → EventBridge turned on. */
export const withEventBridgeNotifications =
  (applyBucket: ResourceApplier): ResourceApplier =>
  async (input) => {
    const outcome = await applyBucket(input);
    const notifications = isRecord(input.props.NotificationConfiguration)
      ? input.props.NotificationConfiguration
      : undefined;
    const eventBridge = isRecord(notifications?.EventBridgeConfiguration)
      ? notifications.EventBridgeConfiguration
      : undefined;
    if (
      eventBridge &&
      (eventBridge.EventBridgeEnabled === true || eventBridge.EventBridgeEnabled === 'true')
    ) {
      await input.clients.s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: input.name,
          NotificationConfiguration: { EventBridgeConfiguration: {} },
        }),
      );
    }
    return outcome;
  };
