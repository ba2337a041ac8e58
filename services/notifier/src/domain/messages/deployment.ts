import { formatDuration } from '@branch-envs/shared/duration';
import type {
  BranchResolved,
  DeployFailed,
  InstanceLaunched,
  InstanceTerminated,
  InstanceTerminatedV2,
  InstanceTerminatedV3,
  TerminationReasonV3,
} from '@branch-envs/shared/events';
import { type EnvironmentCost, priceLine } from '@branch-envs/shared/pricing/cost';
import {
  ACTIONS,
  actions,
  type Block,
  button,
  context,
  message,
  type SlackMessage,
  section,
} from '../blocks';
import type { Facts } from '../states';
import { bold, code, codeBlock, escapeMrkdwn, link, mention } from '../text';
import { type Clocked, endsNightly, lifetimeButtons, overnightPhrase, untilPhrase } from './lifetime';

/**
 * The deployment's own message, one builder per state. Each returns the whole message: it replaces
 * the previous one in place, so every state repeats what the reader still needs (branch, PR, id).
 */

type Found = BranchResolved['data'];
type Launched = InstanceLaunched['data'];
type Failed = DeployFailed['data'];
type Terminated = InstanceTerminated['data'] | InstanceTerminatedV2['data'] | InstanceTerminatedV3['data'];

const deployRef = (deployId: string): string => `deploy ${code(deployId)}`;

const prLink = (facts: { prNumber?: number | null; prUrl?: string | null }): string => {
  if (facts.prUrl) return link(facts.prUrl, facts.prNumber ? `PR #${facts.prNumber}` : 'pull request');
  return facts.prNumber ? `PR #${facts.prNumber}` : '';
};

/** 🔎 The query matched one branch whose build exists; the instance is about to launch. */
export const foundMessage = (data: Found, view: Clocked): SlackMessage => {
  const { now } = view;
  const buildAge = (now.getTime() - Date.parse(data.buildLastModified)) / 1000;
  const expiresAt = Math.floor(now.getTime() / 1000) + data.ttlSeconds;
  const headline = `🔎 Found branch ${bold(data.branch)} for ${code(data.query, 60)}`;
  const pr = data.prTitle ? `${prLink(data)}: ${escapeMrkdwn(data.prTitle)}` : prLink(data);
  return message(headline, [
    section(
      `${headline}. Launching an environment that runs ${untilPhrase({ expiresAt, keepOvernight: false }, view)}…`,
    ),
    context(
      pr,
      data.author ? `by ${escapeMrkdwn(data.author)}` : '',
      buildAge < 60 ? 'fresh build' : `build from ${formatDuration(buildAge)} ago`,
      `commit ${code(data.headSha.slice(0, 7))}`,
      deployRef(data.deployId),
    ),
  ]);
};

/** 🚀 RunInstances succeeded; the app is booting. */
export const launchingMessage = (data: Launched, facts: Facts, view: Clocked): SlackMessage => {
  const headline = `🚀 Launching ${bold(data.branch)}`;
  const lifetime = { expiresAt: data.expiresAt, keepOvernight: facts.keepOvernight ?? false };
  return message(headline, [
    section(`${headline}. It is usually ready in a few minutes and runs ${untilPhrase(lifetime, view)}.`),
    context(
      `instance ${code(data.instanceId)}`,
      code(data.instanceType),
      data.availabilityZone ? escapeMrkdwn(data.availabilityZone) : '',
      prLink(facts),
      deployRef(data.deployId),
    ),
  ]);
};

export interface ReadyView {
  deployId: string;
  branch: string;
  url: string;
  expiresAt: number;
  keepOvernight?: boolean;
  instanceId?: string;
  /** Shown under the URL, e.g. why the expiry moved. */
  note?: string;
  /** The rate recorded at launch (InstanceReady v2); without one, no price is shown. */
  cost?: EnvironmentCost;
}

/** ✅ The environment answers its health check: the URL, when it expires, and the two buttons. */
export const readyMessage = (view: ReadyView, facts: Facts, clocked: Clocked): SlackMessage => {
  const headline = `✅ ${bold(view.branch)} is ready: ${link(view.url)}`;
  const lifetime = {
    expiresAt: view.expiresAt,
    keepOvernight: view.keepOvernight ?? facts.keepOvernight ?? false,
  };
  const keep = endsNightly(lifetime, clocked) ? ` Keep overnight keeps it ${overnightPhrase(clocked)}.` : '';
  const cost = view.cost ?? facts.cost;
  return message(headline, [
    section(`${headline}\nIt runs ${untilPhrase(lifetime, clocked)}.${keep}`),
    context(
      cost ? escapeMrkdwn(priceLine(cost, clocked.now)) : '',
      view.instanceId ? `instance ${code(view.instanceId)}` : '',
      prLink(facts),
      deployRef(view.deployId),
    ),
    ...(view.note ? [context(view.note)] : []),
    lifetimeButtons(view.deployId, { terminate: true, logs: true }),
  ]);
};

const FAILURE_WORDS: Record<Failed['reason'], string> = {
  invalid_branch: 'the branch name is not a valid git ref',
  user_data_too_large: 'the boot script is larger than EC2 allows',
  launch_error: 'EC2 would not launch the instance',
  boot_timeout: 'the app did not become healthy in time',
  instance_stopped: 'the instance stopped while booting',
  boot_failed: 'a step of the boot failed on the instance',
  config_error: 'the provisioner is misconfigured',
};

/** When the provisioner sent no hints: the console output, or a shell on a kept instance. */
const defaultHints = (data: Failed): string[] => {
  if (!data.instanceId) return [];
  const hints = [`aws ec2 get-console-output --instance-id ${data.instanceId} --latest --output text`];
  if (data.instanceKept) hints.push(`aws ssm start-session --target ${data.instanceId}`);
  return hints;
};

/** ❌ The launch or boot failed: what happened, and where to look next. */
export const failedMessage = (data: Failed, facts: Facts): SlackMessage => {
  const headline = `❌ Deploying ${bold(data.branch)} failed: ${FAILURE_WORDS[data.reason]}`;
  const hints = data.hints.length > 0 ? data.hints : defaultHints(data);
  const kept = data.instanceKept
    ? 'The instance was kept for debugging (SSM Session Manager works; SSH is closed).'
    : 'The instance was shut down.';
  const blocks: Block[] = [section(headline), section(escapeMrkdwn(data.message))];
  if (hints.length > 0) blocks.push(section(`*To debug:*\n${hints.map((h) => codeBlock(h)).join('\n')}`));
  blocks.push(
    context(
      data.instanceId ? kept : '',
      data.instanceId ? `instance ${code(data.instanceId)}` : '',
      prLink(facts),
      deployRef(data.deployId),
    ),
  );
  // A kept instance can still be read: [Logs] posts its boot log in this thread (ADR 0030).
  if (data.instanceId && data.instanceKept)
    blocks.push(actions(button('Logs', ACTIONS.logsBoot, data.deployId)));
  return message(headline, blocks);
};

/** What follows the branch: one verb, one cause, said once ("was terminated by @maija"). */
const terminationWords = (reason: TerminationReasonV3, by: string | undefined): string => {
  const words: Record<TerminationReasonV3, string> = {
    ttl: 'was terminated: its time ran out',
    nightly: 'was terminated by the nightly shutdown',
    user: by ? `was terminated by ${mention(by)}` : 'was terminated on request',
    admin: by ? `was terminated by an admin, ${mention(by)}` : 'was terminated by an admin',
    orphan: 'was terminated: its instance had no deployment record',
    failed: 'was terminated: the deploy had failed',
    instance_gone: 'has ended: its instance was already gone',
    pr_merged: 'has ended: its pull request was merged',
    pr_closed: 'has ended: its pull request was closed',
    spot_interrupted: 'has ended: AWS reclaimed the Spot capacity of this environment',
  };
  return words[reason];
};

/** "PR #42 was merged, so its environment ended (*branch*)": the pull request first, as it is the cause. */
const prEnded = (data: Terminated): boolean => data.reason === 'pr_merged' || data.reason === 'pr_closed';

const prEndWords = (data: Terminated, what: string): string | undefined => {
  if (!prEnded(data)) return undefined;
  if (!('prNumber' in data) || data.prNumber === undefined) return undefined;
  const verb = data.reason === 'pr_merged' ? 'merged' : 'closed';
  return `PR #${data.prNumber} was ${verb}, so its environment ended (${what})`;
};

/**
 * ⚡ AWS reclaimed the Spot capacity: [Redeploy] asks for the branch again, on-demand (slack-ingress
 * parses the value as a branch, as for a candidate button), so the new one is not reclaimed too.
 */
const spotInterruptedMessage = (data: Terminated, branch: string | undefined, facts: Facts): SlackMessage => {
  const what = branch ? bold(branch) : `Deploy ${code(data.deployId)}`;
  const headline = `⚡ AWS reclaimed the Spot capacity of this environment; it ended (${what}).`;
  const instanceId = data.instanceId ?? facts.instanceId;
  const redeploy = branch ? [actions(button('Redeploy', ACTIONS.redeploy, branch, 'primary'))] : [];
  return message(headline, [
    section(
      branch
        ? `${headline}\n[Redeploy] deploys ${bold(branch)} again on on-demand capacity, which AWS does not reclaim.`
        : headline,
    ),
    context(instanceId ? `instance ${code(instanceId)}` : '', prLink(facts), deployRef(data.deployId)),
    ...redeploy,
  ]);
};

/** 🛑 The environment is gone; the message keeps the branch and id so the reader knows which. */
export const terminatedMessage = (data: Terminated, facts: Facts): SlackMessage => {
  const branch = data.branch ?? facts.branch;
  if (data.reason === 'spot_interrupted') return spotInterruptedMessage(data, branch, facts);
  const what = branch ? bold(branch) : `Deploy ${code(data.deployId)}`;
  const headline = `🛑 ${prEndWords(data, what) ?? `${what} ${terminationWords(data.reason, data.terminatedBy)}`}.`;
  const instanceId = data.instanceId ?? facts.instanceId;
  return message(headline, [
    section(headline),
    context(
      instanceId ? `instance ${code(instanceId)}` : '',
      prLink(facts),
      deployRef(data.deployId),
      // A merged or closed pull request's branch is not deployed again (allowClosedPrs).
      prEnded(data) ? '' : 'Run the deploy command again for a fresh environment.',
    ),
  ]);
};
