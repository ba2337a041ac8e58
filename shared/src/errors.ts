/**
 * Typed errors shared by every service. Each carries a stable `code` so handlers can map it to an HTTP
 * status, a Slack reply or a DLQ at the edge, and passes the original error on as `cause`.
 */
export class BranchEnvsError extends Error {
  public readonly code: string;

  public constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BranchEnvsError';
    this.code = code;
  }
}

/** A required environment variable is missing or invalid; thrown at cold start, naming the variable. */
export class ConfigError extends BranchEnvsError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super('config_error', message, options);
    this.name = 'ConfigError';
  }
}

/** An event failed its contract schema, on the way out or on the way in. */
export class ContractViolationError extends BranchEnvsError {
  public readonly detailType: string;
  public readonly issues: readonly string[];

  public constructor(detailType: string, issues: readonly string[], options?: { cause?: unknown }) {
    super('contract_violation', `${detailType} does not match its schema: ${issues.join('; ')}`, options);
    this.name = 'ContractViolationError';
    this.detailType = detailType;
    this.issues = issues;
  }
}

/** EventBridge accepted the call but refused some entries (`FailedEntryCount > 0`). */
export class PublishError extends BranchEnvsError {
  public readonly failed: readonly { detailType: string; errorCode?: string; errorMessage?: string }[];

  public constructor(
    failed: readonly { detailType: string; errorCode?: string; errorMessage?: string }[],
    options?: { cause?: unknown },
  ) {
    const summary = failed.map((f) => `${f.detailType}: ${f.errorCode ?? 'unknown'}`).join(', ');
    super(
      'publish_failed',
      `EventBridge refused ${failed.length} entr${failed.length === 1 ? 'y' : 'ies'}: ${summary}`,
      options,
    );
    this.name = 'PublishError';
    this.failed = failed;
  }
}

/** A conditional write lost: the record is not in the state the caller expected. */
export class TransitionConflictError extends BranchEnvsError {
  public constructor(deployId: string, message: string, options?: { cause?: unknown }) {
    super('transition_conflict', `deployment ${deployId}: ${message}`, options);
    this.name = 'TransitionConflictError';
  }
}
