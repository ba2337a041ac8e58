import { z } from 'zod';
import type { CommandRecord, InvocationRecord, InvocationStatus } from './runCommandTypes';

/** An SSM error as the JSON protocol sends it: HTTP 400, `__type` the error's name. */
export class RunCommandError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunCommandError';
  }
}

const invalid = (issues: z.core.$ZodIssue[]) =>
  new RunCommandError(
    'ValidationException',
    issues.map((i) => `Value at '${i.path.join('.')}' failed to satisfy constraint: ${i.message}`).join('; '),
  );

/** Parses a request body by the operation's documented constraints, or throws SSM's ValidationException. */
export const parseRequest = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
};

const InstanceId = z.string().regex(/^(i-(\w{8}|\w{17})|mi-\w{17})$/);
const CommandId = z.string().length(36);

export const SendCommandRequest = z.object({
  DocumentName: z.string().min(1),
  DocumentVersion: z.string().optional(),
  InstanceIds: z.array(InstanceId).min(1).max(50).optional(),
  Targets: z.array(z.unknown()).max(5).optional(),
  Parameters: z.record(z.string(), z.array(z.string())).optional(),
  TimeoutSeconds: z.number().int().min(30).max(2_592_000).optional(),
  Comment: z.string().max(100).optional(),
});

export const GetCommandInvocationRequest = z.object({
  CommandId,
  InstanceId,
  PluginName: z.string().min(4).optional(),
});

export const ListCommandInvocationsRequest = z.object({
  CommandId: CommandId.optional(),
  InstanceId: InstanceId.optional(),
  Details: z.boolean().optional(),
  MaxResults: z.number().int().min(1).max(50).optional(),
});

const epochSeconds = (date: Date) => date.getTime() / 1000;

const TERMINAL: InvocationStatus[] = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

/** A command's status from its invocations, as SSM rolls them up. */
const commandStatus = (invocations: InvocationRecord[]): InvocationStatus => {
  const statuses = invocations.map((i) => i.status);
  if (statuses.every((s) => s === 'Pending')) return 'Pending';
  if (!statuses.every((s) => TERMINAL.includes(s))) return 'InProgress';
  if (statuses.includes('Failed')) return 'Failed';
  if (statuses.includes('TimedOut')) return 'TimedOut';
  return statuses.every((s) => s === 'Success') ? 'Success' : 'Cancelled';
};

/** SendCommand's `Command`, ListCommands' entry: the request as SSM received it, and its progress. */
export const commandJson = (command: CommandRecord, invocations: InvocationRecord[]) => {
  const status = commandStatus(invocations);
  return {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    ExpiresAfter: epochSeconds(command.requestedAt) + command.timeoutSeconds,
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: [],
    RequestedDateTime: epochSeconds(command.requestedAt),
    Status: status,
    StatusDetails: status,
    OutputS3Region: '',
    OutputS3BucketName: '',
    OutputS3KeyPrefix: '',
    MaxConcurrency: '50',
    MaxErrors: '0',
    TargetCount: invocations.length,
    CompletedCount: invocations.filter((i) => TERMINAL.includes(i.status)).length,
    ErrorCount: invocations.filter((i) => i.status === 'Failed' || i.status === 'TimedOut').length,
    DeliveryTimedOutCount: 0,
    ServiceRole: '',
    NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    TimeoutSeconds: command.timeoutSeconds,
  };
};

/** ISO 8601 duration, as SSM writes ExecutionElapsedTime ("PT0.812S"). */
const elapsed = (from: Date, to: Date) => `PT${((to.getTime() - from.getTime()) / 1000).toFixed(3)}S`;

/** GetCommandInvocation's answer. Dates are ISO strings here, empty until the step started. */
export const invocationJson = (command: CommandRecord, invocation: InvocationRecord) => {
  const { startedAt, endedAt } = invocation;
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    PluginName: command.stepName,
    ResponseCode: invocation.responseCode,
    ExecutionStartDateTime: startedAt?.toISOString() ?? '',
    ExecutionElapsedTime: startedAt ? elapsed(startedAt, endedAt ?? new Date()) : '',
    ExecutionEndDateTime: endedAt?.toISOString() ?? '',
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    StandardOutputContent: invocation.stdout,
    StandardOutputUrl: '',
    StandardErrorContent: invocation.stderr,
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
  };
};

/** SSM caps a plugin's `Output` in ListCommandInvocations at 2,500 characters. */
const PLUGIN_OUTPUT_CHARS = 2500;

/** ListCommandInvocations' entry; `CommandPlugins` only when Details was asked for. */
export const listedInvocationJson = (
  command: CommandRecord,
  invocation: InvocationRecord,
  details: boolean,
) => ({
  CommandId: command.commandId,
  InstanceId: invocation.instanceId,
  InstanceName: '',
  Comment: command.comment,
  DocumentName: command.documentName,
  DocumentVersion: command.documentVersion,
  RequestedDateTime: epochSeconds(command.requestedAt),
  Status: invocation.status,
  StatusDetails: invocation.statusDetails,
  StandardOutputUrl: '',
  StandardErrorUrl: '',
  CommandPlugins: details
    ? [
        {
          Name: command.stepName,
          Status: invocation.status,
          StatusDetails: invocation.statusDetails,
          ResponseCode: invocation.responseCode,
          ...(invocation.startedAt ? { ResponseStartDateTime: epochSeconds(invocation.startedAt) } : {}),
          ...(invocation.endedAt ? { ResponseFinishDateTime: epochSeconds(invocation.endedAt) } : {}),
          Output:
            `${invocation.stdout}${invocation.stderr ? `\n----------ERROR-------\n${invocation.stderr}` : ''}`.slice(
              0,
              PLUGIN_OUTPUT_CHARS,
            ),
          StandardOutputUrl: '',
          StandardErrorUrl: '',
        },
      ]
    : [],
  ServiceRole: '',
  NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
  CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
});
