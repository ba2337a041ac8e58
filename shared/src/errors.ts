/**
 * The base of every error branch-envs throws on purpose, so an edge can tell them from a bug. Edges
 * dispatch on the class (`instanceof`) and its typed fields (`statusCode`, `retryable`, ...), never
 * on a string code: each service is one bundle, so its classes are its own. The original error is
 * passed on as `cause`.
 */
export class BranchEnvsError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BranchEnvsError';
  }
}

/** A required environment variable is missing or invalid; thrown at cold start, naming the variable. */
export class ConfigError extends BranchEnvsError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** An event failed its contract schema, on the way out or on the way in. */
export class ContractViolationError extends BranchEnvsError {
  public readonly detailType: string;
  public readonly issues: readonly string[];

  public constructor(detailType: string, issues: readonly string[], options?: { cause?: unknown }) {
    super(`${detailType} does not match its schema: ${issues.join('; ')}`, options);
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
    super(`deployment ${deployId}: ${message}`, options);
    this.name = 'TransitionConflictError';
  }
}

/**
 * An SSM SecureString is missing, empty or could not be read (throttled, access denied). It names the
 * parameter, never its value. The caller cannot do its job without it, so the request is retried
 * rather than answered on a worse route.
 */
export class SecretUnavailableError extends BranchEnvsError {
  public readonly parameterName: string;

  public constructor(parameterName: string, options?: { cause?: unknown }) {
    super(`cannot read SSM parameter ${parameterName}`, options);
    this.name = 'SecretUnavailableError';
    this.parameterName = parameterName;
  }
}

/**
 * Slack answered a Web API or webhook call with an error that retrying will not fix (`invalid_auth`,
 * `channel_not_found`, ...). `slackError` is Slack's own error string.
 */
export class SlackApiError extends BranchEnvsError {
  public readonly method: string;
  public readonly slackError: string;
  /** For `missing_scope`: what Slack said the call needs and what the token has (its `needed`, `provided`). */
  public readonly scopes: SlackScopes | undefined;

  public constructor(
    method: string,
    slackError: string,
    options?: { cause?: unknown; scopes?: SlackScopes },
  ) {
    super(`Slack ${method} failed: ${slackError}${scopeHint(options?.scopes)}`, options);
    this.name = 'SlackApiError';
    this.method = method;
    this.slackError = slackError;
    this.scopes = options?.scopes;
  }
}

/** Slack's `missing_scope` answer: `{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"commands"}`. */
export interface SlackScopes {
  needed: string;
  provided: string;
}

const scopeHint = (scopes: SlackScopes | undefined): string =>
  scopes === undefined
    ? ''
    : ` (the token needs the scope ${scopes.needed}; it has ${scopes.provided || 'none'}: add it under OAuth & Permissions and reinstall the app)`;

/** Slack's scope fields of an answer, when it has them. */
export const slackScopesOf = (answer: { needed?: unknown; provided?: unknown }): SlackScopes | undefined =>
  typeof answer.needed === 'string'
    ? { needed: answer.needed, provided: typeof answer.provided === 'string' ? answer.provided : '' }
    : undefined;
