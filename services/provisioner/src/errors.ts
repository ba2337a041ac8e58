import { BranchEnvsError } from '@branch-envs/shared/errors';

/**
 * RunInstances refused or failed for good. `ec2Code` is EC2's error code (`InvalidAMIID.NotFound`,
 * `UnauthorizedOperation`, ...); `fix` names the setting or permission an operator should change.
 * Throttling never ends up here until the SDK's retries with backoff are used up.
 */
export class LaunchError extends BranchEnvsError {
  public readonly ec2Code: string;
  public readonly fix: string;

  public constructor(ec2Code: string, message: string, fix: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LaunchError';
    this.ec2Code = ec2Code;
    this.fix = fix;
  }
}

/**
 * No capacity for this instance type in this subnet's AZ (`InsufficientInstanceCapacity`), or the
 * type is not offered there (`Unsupported`). The launch moves on to the next type or subnet.
 */
export class CapacityError extends LaunchError {
  public constructor(ec2Code: string, message: string, options?: { cause?: unknown }) {
    super(
      ec2Code,
      message,
      'add instance types to INSTANCE_TYPES or subnets in other AZs to SUBNET_IDS',
      options,
    );
    this.name = 'CapacityError';
  }
}

/**
 * The deployment cannot be launched as configured: the AMI parameter is missing, the artifacts the
 * resolver found do not match ARTIFACTS_JSON, or the bucket is not the one the role may read.
 * Reported as DeployFailed `config_error`; nothing is launched.
 */
export class ProvisionerConfigError extends BranchEnvsError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvisionerConfigError';
  }
}
