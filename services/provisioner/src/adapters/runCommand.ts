import {
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { CommandResult, RunCommand } from '../domain/update/ports';

/** How SSM names a command invocation's state, mapped to what the update needs to know. */
const STATUS: Record<string, CommandResult['status']> = {
  Pending: 'pending',
  InProgress: 'pending',
  Delayed: 'pending',
  Success: 'success',
  Failed: 'failed',
  TimedOut: 'timed_out',
  Cancelled: 'cancelled',
  Cancelling: 'pending',
  Undeliverable: 'undeliverable',
  Terminated: 'undeliverable',
};

/** Output may name URLs the script was given; only the end of it is kept, and it stays in logs. */
const OUTPUT_TAIL_CHARS = 2000;

const resultOf = (out: GetCommandInvocationCommandOutput, tailChars: number): CommandResult => {
  const status = STATUS[out.Status ?? ''] ?? 'pending';
  if (status === 'pending') return { status };
  const output = [out.StandardOutputContent, out.StandardErrorContent].filter(Boolean).join('\n');
  return { status, responseCode: out.ResponseCode ?? -1, output: output.slice(-tailChars) };
};

/**
 * SSM Run Command, generic: a document by name, one instance, parameters that are data (the update
 * document reads them as environment variables, ADR 0021), and the invocation's result. Reused by
 * any later document (e.g. collecting logs) with its own parameters. The logs function keeps the
 * whole output (`outputTailChars`): SSM itself returns at most 24,000 characters per stream.
 */
export const createRunCommand = (ssm: SSMClient, options: { outputTailChars?: number } = {}): RunCommand => ({
  async send({ documentName, instanceId, parameters, timeoutSeconds, comment }) {
    const out = await ssm.send(
      new SendCommandCommand({
        DocumentName: documentName,
        InstanceIds: [instanceId],
        Parameters: Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, [value]])),
        TimeoutSeconds: timeoutSeconds,
        Comment: comment.slice(0, 100),
      }),
    );
    const commandId = out.Command?.CommandId;
    if (!commandId) throw new Error(`SendCommand ${documentName} returned no command id`);
    return commandId;
  },

  async result(commandId, instanceId) {
    try {
      const out = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      return resultOf(out, options.outputTailChars ?? OUTPUT_TAIL_CHARS);
    } catch (error) {
      // Right after SendCommand the invocation may not be visible yet: ask again later.
      if (error instanceof Error && error.name === 'InvocationDoesNotExist') return { status: 'pending' };
      throw error;
    }
  },
});
