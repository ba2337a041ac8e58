import { formatDuration } from '@branch-envs/shared/duration';
import type { BranchCandidate, DeployRejected, LiveDeploymentSummary } from '@branch-envs/shared/events';
import { ACTIONS, type Block, button, context, message, type SlackMessage, section } from '../blocks';
import { bold, code, escapeMrkdwn, link, slackDate } from '../text';

/**
 * A deploy that will launch nothing, said in plain words, with what the user can do about it. Each
 * reason's data carries everything the reply needs; no table is read.
 */

type Rejected = DeployRejected['data'];
type Reason = Rejected['reason'];

const MAX_LISTED = 20;
const QUERY_HELP =
  'Try a branch fragment (`login-page`), a ticket id (`ABC-123`), a PR number (`#42`) or `raw:<GitHub search>`.';

const candidateBlock = (candidate: BranchCandidate): Block => {
  const details = [
    candidate.prNumber ? `PR #${candidate.prNumber}` : 'no PR',
    candidate.title ? escapeMrkdwn(candidate.title) : '',
    candidate.author ? `by ${escapeMrkdwn(candidate.author)}` : '',
    candidate.updatedAt ? `updated ${slackDate(Math.floor(Date.parse(candidate.updatedAt) / 1000))}` : '',
  ].filter(Boolean);
  // One button per section: Slack wants action ids unique within a block, and ingress wants this id.
  return section(
    `${bold(candidate.branch)}\n${details.join(' · ')}`,
    button('Deploy this', ACTIONS.deployCandidate, candidate.branch),
  );
};

const liveLine = (d: LiveDeploymentSummary): string =>
  [
    `• ${bold(d.branch)}`,
    escapeMrkdwn(d.status),
    d.url ? link(d.url) : '',
    d.expiresAt ? `expires ${slackDate(d.expiresAt)}` : '',
    code(d.deployId),
  ]
    .filter(Boolean)
    .join(' · ');

const listOf = <T>(items: readonly T[], line: (item: T) => string): string => {
  const shown = items.slice(0, MAX_LISTED).map(line);
  if (items.length > shown.length) shown.push(`…and ${items.length - shown.length} more`);
  return shown.join('\n');
};

const retryWhen = (retryAfter: number | undefined, now: Date): string => {
  if (retryAfter === undefined) return 'Try again in a minute or two.';
  const wait = retryAfter - Math.floor(now.getTime() / 1000);
  return wait <= 0
    ? 'Try again now.'
    : `Try again after ${slackDate(retryAfter)} (in ${formatDuration(wait, { round: 'up' })}).`;
};

const UPSTREAM: Record<'github' | 's3' | 'aws', string> = { github: 'GitHub', s3: 'S3', aws: 'AWS' };

type Headed = { headline: string; blocks: Block[] };

/** `READY · expires … · its deploy `01KB…``: the one deployment's facts, not a bullet that reads like a list. */
const existingDetails = (d: LiveDeploymentSummary): string =>
  [
    escapeMrkdwn(d.status),
    d.expiresAt ? `expires ${slackDate(d.expiresAt)}` : '',
    `its deploy ${code(d.deployId)}`,
  ]
    .filter(Boolean)
    .join(' · ');

/**
 * The branch's one live deployment (branch-resolver's claim names exactly one, whoever owns it), with a URL
 * or still on its way: a user told "running" would look for a link that is not there. It lists none of
 * the user's other environments, so it says where to find them.
 */
const alreadyRunning = (existing: LiveDeploymentSummary): Headed => ({
  headline:
    existing.status === 'READY' || existing.url
      ? `♻️ ${bold(existing.branch)} already has an environment${existing.url ? `: ${link(existing.url)}` : '.'}`
      : `♻️ ${bold(existing.branch)} already has an environment starting (deploy ${code(existing.deployId)}); its status shows the link once it is up.`,
  blocks: [
    context(existingDetails(existing)),
    section(
      'To start a second environment of this branch, send the same deploy command with `--fresh`. ' +
        'To see every environment of yours, send the deploy command with `list mine`.',
    ),
  ],
});

/** Over a quota the user may queue the request (ADR 0025); the button's value is the refused deployId. */
const quotaExceeded = (reason: Extract<Reason, { code: 'quota_exceeded' }>, deployId: string): Headed => ({
  headline:
    reason.scope === 'user'
      ? `🚦 You already have ${reason.live.length} live environment(s); the limit is ${reason.limit}.`
      : // A slot held for a queued deploy that is starting counts too (ADR 0031): "taken", not "running".
        `🚦 All ${reason.limit} environment slots of the team are taken.`,
  blocks: [
    ...(reason.live.length > 0 ? [section(listOf(reason.live, liveLine))] : []),
    section(
      'Terminate one you no longer need, then deploy again; or queue this request, and it starts by itself when a slot frees up.',
      button('Queue me', ACTIONS.queueMe, deployId),
    ),
  ],
});

const rejectionBlocks = (data: Rejected, reason: Reason, now: Date): Headed => {
  const query = code(data.query, 60);
  switch (reason.code) {
    case 'not_found':
      return {
        headline: `🤷 Nothing matches ${query}: no open PR or branch found.`,
        blocks: [section(QUERY_HELP), context(`searched ${code(reason.searched, 200)}`)],
      };
    case 'ambiguous':
      return {
        headline: `🤔 ${query} matches ${reason.candidates.length} branches. Which one did you mean?`,
        blocks: reason.candidates.map(candidateBlock),
      };
    case 'artifacts_missing':
      return {
        headline: `📦 ${bold(reason.branch)} has no complete build to deploy yet.`,
        blocks: [
          section(`Missing in S3:\n${listOf(reason.missingKeys, (key) => `• ${code(key, 300)}`)}`),
          section('Run or wait for the build of this branch, then deploy again.'),
        ],
      };
    case 'already_running':
      return alreadyRunning(reason.existing);
    case 'expired_request':
      return {
        headline: `⌛ Your request waited ${formatDuration(reason.ageSeconds)} before it could be handled, so nothing was launched.`,
        blocks: [section('Run the command again if you still need the environment.')],
      };
    case 'upstream_error':
      return {
        headline: `⚠️ ${UPSTREAM[reason.upstream]} did not answer properly, so nothing was launched.`,
        blocks: [section(`${escapeMrkdwn(reason.message)}\n${retryWhen(reason.retryAfter, now)}`)],
      };
    case 'quota_exceeded':
      return quotaExceeded(reason, data.deployId);
  }
};

/** The reply to a deploy that was refused, replacing the "resolving" acknowledgement. */
export const rejectedMessage = (data: Rejected, now: Date): SlackMessage => {
  const { headline, blocks } = rejectionBlocks(data, data.reason, now);
  return message(headline, [section(headline), ...blocks, context(`deploy ${code(data.deployId)}`)]);
};
