import type { FailureReason } from '@branch-envs/shared/events/DeployFailed';
import { LaunchError, ProvisionerConfigError } from '../errors';
import {
  InvalidBranchNameError,
  InvalidUserDataInputError,
  ProfileTemplateError,
  UserDataTooLargeError,
} from './userData/errors';

/** What a DeployFailed says: the reason, a message that names the fix, and where to look next. */
export interface Failure {
  reason: FailureReason;
  message: string;
  hints: string[];
}

const MAX_MESSAGE = 1000;
const MAX_HINT = 500;
const MAX_HINTS = 5;

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** Keeps a failure inside the contract's limits, so a long EC2 message never breaks publishing. */
export const withinLimits = (failure: Failure): Failure => ({
  reason: failure.reason,
  message: clip(failure.message, MAX_MESSAGE),
  hints: failure.hints.slice(0, MAX_HINTS).map((hint) => clip(hint, MAX_HINT)),
});

/** How to look inside an instance that booted but never became healthy. */
export const debugHints = (
  instanceId: string,
  region: string,
  options: { kept: boolean; appUrl?: string },
): string[] => [
  `Boot log: aws ec2 get-console-output --instance-id ${instanceId} --latest --output text --region ${region}`,
  `Shell (SSM Session Manager, no SSH needed): aws ssm start-session --target ${instanceId} --region ${region}` +
    ', then see /var/log/cloud-init-output.log and journalctl -u branch-env-app',
  ...(options.appUrl ? [`Boot status as the instance reports it: ${options.appUrl}.branch-envs/status`] : []),
  options.kept
    ? 'The instance is kept for debugging (KEEP_FAILED_INSTANCES=true) until its TTL ends.'
    : 'The instance was terminated; set KEEP_FAILED_INSTANCES=true to keep failed instances for debugging.',
];

/** A problem found before anything launched: the branch, the user data or the configuration. */
export const preparationFailure = (error: unknown): Failure | undefined => {
  if (error instanceof InvalidBranchNameError) {
    return { reason: 'invalid_branch', message: error.message, hints: [] };
  }
  if (error instanceof UserDataTooLargeError) {
    return {
      reason: 'user_data_too_large',
      message: `${error.message}. Shrink the cloud-init profile (APP_PROFILE) or APP_ENV_JSON.`,
      hints: [],
    };
  }
  // A broken profile fails every deploy the same way: tell the user rather than retry into the DLQ.
  const misconfigured = [ProvisionerConfigError, InvalidUserDataInputError, ProfileTemplateError];
  if (error instanceof Error && misconfigured.some((type) => error instanceof type)) {
    return {
      reason: 'config_error',
      message: `The provisioner is misconfigured: ${error.message}`,
      hints: [],
    };
  }
  return undefined;
};

/** RunInstances failed for good (after retries and fallbacks). */
export const launchFailure = (error: LaunchError): Failure => ({
  reason: 'launch_error',
  message: `EC2 refused the launch (${error.ec2Code}): ${error.message}. To fix: ${error.fix}.`,
  hints: [],
});

export const isLaunchError = (error: unknown): error is LaunchError => error instanceof LaunchError;

export const bootTimeoutFailure = (
  context: { instanceId: string; region: string; kept: boolean; appUrl?: string },
  settings: { healthPath: string; expectedStatus: number; bootTimeoutSeconds: number },
  last: string | undefined,
): Failure => ({
  reason: 'boot_timeout',
  message:
    `The app did not answer GET ${settings.healthPath} with ${settings.expectedStatus} within ` +
    `${settings.bootTimeoutSeconds} s${last ? ` (last check: ${last})` : ''}.`,
  hints: debugHints(context.instanceId, context.region, context),
});

export const instanceStoppedFailure = (
  context: { instanceId: string; region: string; kept: boolean },
  state: string,
): Failure => ({
  reason: 'instance_stopped',
  message: `The instance ${context.instanceId} is ${state} before the app became healthy.`,
  hints: debugHints(context.instanceId, context.region, { kept: context.kept && state === 'stopped' }),
});

/** The instance reported (phone-home) that a boot step failed; the step comes from the instance. */
export const bootFailedFailure = (
  context: { instanceId: string; region: string; kept: boolean },
  step: string | undefined,
): Failure => ({
  reason: 'boot_failed',
  message:
    `The instance ${context.instanceId} reports that its boot failed` +
    `${step ? ` at step "${step}"` : ''}; the app was never started or never became healthy.`,
  hints: debugHints(context.instanceId, context.region, { kept: context.kept }),
});
