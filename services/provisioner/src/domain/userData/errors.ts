/**
 * Errors raised while turning a deploy request into EC2 user data. Handlers map them to a
 * `DeployRejected` or `DeployFailed` event; the domain never decides how a user sees them.
 */

/**
 * The branch name breaks git's ref-name rules (`git check-ref-format --branch`).
 *
 * A name git would refuse cannot be a real branch, so it is refused before anything renders or
 * launches, and the user is told which rule it broke.
 */
export class InvalidBranchNameError extends Error {
  public readonly branch: string;
  public readonly reason: string;

  public constructor(branch: string, reason: string) {
    super(`${JSON.stringify(branch)} is not a valid git branch name: it ${reason}`);
    this.name = 'InvalidBranchNameError';
    this.branch = branch;
    this.reason = reason;
  }
}

/**
 * The rendered user data is larger than EC2 accepts, even gzip'd.
 *
 * EC2 refuses user data over 16 KB (raw, before base64). Failing here, with the size, is clearer
 * than the `InvalidParameterValue` RunInstances would answer after the deploy was accepted.
 * `byteLength` is the size of the payload that would have been sent (the gzip'd text).
 */
export class UserDataTooLargeError extends Error {
  public readonly byteLength: number;
  public readonly limit: number;

  public constructor(byteLength: number, limit: number) {
    super(`rendered user data is ${byteLength} bytes even gzip'd; EC2 accepts at most ${limit} bytes`);
    this.name = 'UserDataTooLargeError';
    this.byteLength = byteLength;
    this.limit = limit;
  }
}

/**
 * A value other than the branch cannot be carried safely to the instance (for example an env
 * key that is not a shell identifier, a NUL byte, or a URL that is neither https nor s3).
 */
export class InvalidUserDataInputError extends Error {
  public readonly field: string;

  public constructor(field: string, problem: string) {
    super(`user data input ${field} ${problem}`);
    this.name = 'InvalidUserDataInputError';
    this.field = field;
  }
}

/**
 * A profile template is unusable: a placeholder names no known value or file, or sits where its
 * value would become shell text. This is a deployment bug, never a user's fault.
 */
export class ProfileTemplateError extends Error {
  public readonly profile: string;

  public constructor(profile: string, problem: string, options?: { cause?: unknown }) {
    super(`cloud-init profile ${profile}: ${problem}`, options);
    this.name = 'ProfileTemplateError';
    this.profile = profile;
  }
}
