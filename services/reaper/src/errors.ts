import { BranchEnvsError } from '@branch-envs/shared/errors';

/**
 * Part of a run failed after everything else in it was done. Thrown at the end so that SQS retries
 * the message (and eventually dead-letters it), or the scheduled invocation is marked failed for
 * alarms; what did succeed stays done, and every step is safe to repeat.
 */
export class ReaperIncompleteError extends BranchEnvsError {
  public readonly failed: number;

  public constructor(failed: number, options?: { cause?: unknown }) {
    super(`${failed} deployment(s) or instance(s) could not be finished; they will be retried`, options);
    this.name = 'ReaperIncompleteError';
    this.failed = failed;
  }
}

/** EC2 refused or failed a call even after the backoff budget was spent. */
export class Ec2CallError extends BranchEnvsError {
  public readonly operation: string;

  public constructor(operation: string, options?: { cause?: unknown }) {
    const detail =
      options?.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : 'unknown error';
    super(`EC2 ${operation} failed: ${detail}`, options);
    this.name = 'Ec2CallError';
    this.operation = operation;
  }
}
