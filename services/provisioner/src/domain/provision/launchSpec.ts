import type { TransitionUpdates } from '@branch-envs/shared/deployments/repository';
import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import { InstanceLaunched } from '@branch-envs/shared/events/InstanceLaunched';
import { causedEventId } from '@branch-envs/shared/publish';
import { STEPS, stepTime } from '../history';
import { newPhoneHomeToken, tokenSha256 } from '../phoneHomeToken';
import type {
  AppSettings,
  LaunchedInstance,
  LaunchSpec,
  ProvisionerPorts,
  ReadinessSettings,
} from '../ports';
import { MAX_SQS_DELAY_SECONDS } from '../settings';
import { assertValidBranchName } from '../userData/gitRefName';
import { renderUserData } from '../userData/renderUserData';
import { userDataInputFor } from '../userData/userDataFor';

/** The tag that marks what branch-envs owns; IAM conditions and the reaper rely on it. */
export const MANAGED_BY = 'branch-envs';

/** EC2 allows 256 characters in a tag value. */
const MAX_TAG_VALUE = 256;

/**
 * Tags set at launch on the instance and its volume. The branch goes in as it is: a tag value is
 * data to EC2, and the name has passed git's ref-name rules already. `Stage` keeps stages that
 * share an account apart: IAM lets each stage's roles terminate only its own instances, and the
 * reaper reconciles only those.
 */
export const launchTags = (
  data: BranchResolved['data'],
  expiresAt: number,
  stage: string,
): Record<string, string> => ({
  ManagedBy: MANAGED_BY,
  Stage: stage,
  DeployId: data.deployId,
  Branch: data.branch,
  Owner: data.owner.userId,
  ExpiresAt: new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  Name: `branch-env ${data.branch}`.slice(0, MAX_TAG_VALUE),
});

/**
 * Everything RunInstances needs that does not depend on the attempt. It runs before the claim, so
 * a transient failure here (SSM, S3 signing) is simply retried with the event; the errors that
 * will not go away (a bad branch, too much user data, a missing AMI) are reported instead.
 */
export const launchSpecFor = async (
  data: BranchResolved['data'],
  expiresAt: number,
  app: AppSettings,
  ports: Pick<ProvisionerPorts, 'artifactLinks' | 'images' | 'profile'>,
): Promise<LaunchSpec> => {
  assertValidBranchName(data.branch);
  const token = app.phoneHomeUrl ? newPhoneHomeToken() : undefined;
  const input = await userDataInputFor(data, app, ports.artifactLinks, token);
  const userData = renderUserData(await ports.profile(), input);
  const image = await ports.images.current();
  return {
    deployId: data.deployId,
    imageId: image.imageId,
    rootDeviceName: image.rootDeviceName,
    userDataBase64: userData.base64,
    tags: launchTags(data, expiresAt, app.stage),
    ...(token ? { phoneHomeTokenSha256: tokenSha256(token) } : {}),
  };
};

/**
 * What the claim records for a phone-home: the token's hash, and the InstanceLaunched event the
 * outcome is caused by (its id is derived from BranchResolved's, so it is known before it exists).
 * Only the claim's winner launches, so the hash stored is the one of the token its instance holds.
 */
export const phoneHomeClaim = (detail: BranchResolved, spec: LaunchSpec): TransitionUpdates =>
  spec.phoneHomeTokenSha256
    ? {
        phoneHome: {
          tokenSha256: spec.phoneHomeTokenSha256,
          cause: {
            eventId: causedEventId(detail.metadata.eventId, InstanceLaunched),
            correlationId: detail.metadata.correlationId,
          },
        },
      }
    : {};

/**
 * Tells the world the instance exists (InstanceLaunched) and starts the readiness loop: the first
 * probe waits one interval on the probe queue, so no Lambda sleeps. The boot deadline counts from
 * the launch recorded in the history, so a resumed announcement does not extend it.
 */
export const announceLaunch = async (
  deps: Pick<ProvisionerPorts, 'events' | 'probes' | 'now'>,
  readiness: ReadinessSettings,
  detail: BranchResolved,
  record: DeploymentRecord,
  launched: LaunchedInstance,
): Promise<void> => {
  const cause = await deps.events.launched(detail, record, launched);
  const launchedAt = stepTime(record, STEPS.launched) ?? deps.now();
  const delay = Math.min(readiness.probeIntervalSeconds, MAX_SQS_DELAY_SECONDS);
  await deps.probes.schedule(
    {
      deployId: record.deployId,
      instanceId: launched.instanceId,
      attempt: 1,
      deadline: new Date(launchedAt.getTime() + readiness.bootTimeoutSeconds * 1000).toISOString(),
      dueAt: new Date(deps.now().getTime() + delay * 1000).toISOString(),
      cause,
    },
    delay,
  );
};
