import { formatDuration } from '@branch-envs/shared/duration';
import { type Clocked, overnightPhrase, untilPhrase } from '@branch-envs/shared/slack';
import { cappedNote } from '../grammar';
import { code } from '../text';

/**
 * Every sentence ingress answers a request with, in one place so they can be read side by side
 * (tests/unit/replies.test.ts renders each one; the list and status views are in ./deploymentViews.ts). Whatever states when an environment ends says the
 * real end: the earlier of its expiry and the nightly shutdown (ADR 0012).
 */

export interface DeployAck {
  query: string;
  deployId: string;
  ttlSeconds: number;
  capped: boolean;
  requestedSeconds: number;
  maxTtlSeconds: number;
  fresh: boolean;
  deployCommand: string;
}

/** The acknowledgement of `/deploy`: what is looked for, and until when it will run. */
export const deployAck = (ack: DeployAck, view: Clocked): string => {
  const lifetime = {
    expiresAt: Math.floor(view.now.getTime() / 1000) + ack.ttlSeconds,
    keepOvernight: false,
  };
  const until = untilPhrase(lifetime, view);
  const keep = until.endsWith('(nightly shutdown)')
    ? ` Keep overnight (its button once it is ready, or \`${ack.deployCommand} extend ${ack.deployId} overnight\`) keeps it ${overnightPhrase(view)}.`
    : '';
  return [
    `:mag: Looking for a branch matching ${code(ack.query)}… (deploy ${code(ack.deployId)})`,
    `Once it is up it runs ${until}.${keep}`,
    ack.capped ? cappedNote(ack.requestedSeconds, ack.maxTtlSeconds) : '',
    ack.fresh ? 'You asked for a fresh environment, even if this branch already runs.' : '',
  ]
    .filter(Boolean)
    .join('\n');
};

export const terminateAck = (label: string, requestId: string): string =>
  `:wastebasket: Terminating ${label}… (request ${code(requestId)})`;

/** `your environment deploy `…``, `your 2 environments`, `all 5 live environments`. */
export const terminateLabel = {
  mine: (count: number, only: string): string =>
    count === 1 ? `your environment ${only}` : `your ${count} environments`,
  all: (count: number): string => (count === 1 ? 'the 1 live environment' : `all ${count} live environments`),
};

export const extendAck = (
  label: string,
  extension: { kind: 'overnight' } | { kind: 'duration'; seconds: number },
  requestId: string,
  view: Clocked,
): string =>
  extension.kind === 'overnight'
    ? `:hourglass_flowing_sand: Keeping ${label} overnight, ${overnightPhrase(view)}… (request ${code(requestId)})`
    : `:hourglass_flowing_sand: Extending ${label} by ${formatDuration(extension.seconds)}… (request ${code(requestId)})`;

export const replies = {
  onlyAdminsTerminateAll: (terminateCommand: string): string =>
    `:no_entry: Only admins can terminate every environment. \`${terminateCommand} mine\` ends all of yours.`,
  noLiveEnvironmentsOfYours: 'You have no live environments.',
  noLiveEnvironments: 'No environments are running.',
  deployNotFound: (deployId: string): string => `I can't find deploy ${code(deployId)}.`,
  terminatedBeforeLaunch: (deployId: string): string =>
    `Deploy ${code(deployId)} was terminated before it launched.`,
  branchHasNoDeployments: (branch: string): string => `Branch ${code(branch)} has no deployments.`,
  nothingRunningForBranch: (branch: string): string => `Nothing is running for branch ${code(branch)}.`,
  alreadyBeingTerminated: (deployId: string): string =>
    `Deploy ${code(deployId)} is already being terminated.`,
  alreadyEnded: (deployId: string, status: string): string =>
    `Deploy ${code(deployId)} is already ${status.toLowerCase()}; there is nothing to change.`,
  stillLookingForBranch: 'That deploy is still looking for its branch; extend it once it has launched.',
  belongsTo: (owners: string, verb: string): string =>
    `:no_entry: That environment belongs to ${owners}. Only its owner or an admin can ${verb} it.`,
  notAllowed: (userId: string): string =>
    `:no_entry: You are not allowed to use branch-envs yet, so nothing was started. ` +
    `Ask an admin to add your Slack user id ${code(userId)}.`,
  unknownCommand: (command: string): string => `This app does not handle ${code(command, 40)}.`,
  buttonWithoutBranch: 'That button does not name a branch.',
  buttonWithoutDeployment: 'That button does not name a deployment.',
  unknownButton: 'I don’t know that button.',
  /** The answer to Slack's re-send of a slow request (createIngressHandler acts on the first delivery only). */
  slackRetry:
    'Slack sent this request again after a slow answer. I act on the first delivery only, so nothing was done twice; ' +
    'if no other reply follows, run the command again.',
  somethingWentWrong: (ref: string): string =>
    `:x: Something went wrong on our side. Please try again in a moment (ref ${code(ref, 60)}).`,
};
