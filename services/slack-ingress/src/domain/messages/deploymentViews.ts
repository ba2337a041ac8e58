import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import { formatDuration } from '@branch-envs/shared/duration';
import { realEnd } from '@branch-envs/shared/lifetime';
import { type Clocked, SLACK_ACTIONS, untilPhrase } from '@branch-envs/shared/slack';
import {
  type Block,
  type Button,
  context,
  header,
  MAX_BLOCKS,
  message,
  type SlackMessage,
  section,
} from '../blocks';
import { code, escapeMrkdwn } from '../text';
import { costOf, costTotals } from './costViews';
import { replies } from './replies';

/**
 * The list and status views, kept beside the replies (./replies.ts) so every text ingress shows a user is
 * in `src/domain/messages/`; tests/unit/replies.test.ts snapshots representative renderings of both.
 */

/** Action ids of the buttons ingress handles (and puts on its own status replies); shared with the notifier. */
export const ACTIONS = SLACK_ACTIONS;

const MAX_LISTED = 40;
const MAX_HISTORY = 20;
const SAFE_URL = /^https?:\/\/[^\s<>|`]{1,400}$/;

export const linkTo = (url: string | undefined): string => {
  if (!url) return '_no URL yet_';
  return SAFE_URL.test(url) ? `<${escapeMrkdwn(url)}|${escapeMrkdwn(url)}>` : code(url);
};

/**
 * `runs until 19:00 Helsinki tonight, Tue 1 Dec (nightly shutdown), 3h left`: the real end (ADR 0012),
 * the earlier of the expiry and the nightly shutdown, with the time left until it.
 */
export const timeLeft = (record: DeploymentRecord, view: Clocked): string => {
  const end = realEnd(record, view.now, view.nightly);
  const seconds = end.at - Math.floor(view.now.getTime() / 1000);
  if (seconds <= 0) return 'expired';
  const kept = record.keepOvernight ? ', kept overnight' : '';
  return `runs ${untilPhrase(record, view)}${kept}, ${formatDuration(seconds, { round: 'up' })} left`;
};

/** The branch, or while it is still being looked for, the query the user typed. */
export const subjectOf = (record: DeploymentRecord): string =>
  record.branch !== undefined
    ? `*${escapeMrkdwn(record.branch)}*`
    : `${code(record.query)} (finding the branch)`;

const summaryLine = (record: DeploymentRecord, now: Clocked): string => {
  const cost = costOf(record, now.now);
  return (
    `${subjectOf(record)} · ${record.status} · <@${record.owner.userId}> · ` +
    `${linkTo(record.url)} · ${timeLeft(record, now)}${cost ? ` · ${cost}` : ''} · deploy ${code(record.deployId)}`
  );
};

/** `/deploy list`: soonest expiry first; what does not fit is counted, never silently dropped. */
export const listMessage = (
  records: readonly DeploymentRecord[],
  now: Clocked,
  scope: 'all' | 'mine',
  options: { admin: boolean } = { admin: false },
): SlackMessage => {
  const title = scope === 'mine' ? 'Your live environments' : 'Live environments';
  if (records.length === 0) {
    const none = scope === 'mine' ? replies.noLiveEnvironmentsOfYours : replies.noLiveEnvironments;
    return message(none, [section(none)]);
  }
  const sorted = [...records].sort((a, b) => a.expiresAt - b.expiresAt);
  const shown = sorted.slice(0, Math.min(MAX_LISTED, MAX_BLOCKS - 5));
  const blocks: Block[] = [
    header(`${title} (${records.length})`),
    ...shown.map((r) => section(summaryLine(r, now))),
  ];
  if (sorted.length > shown.length) {
    blocks.push(
      context(`…and ${sorted.length - shown.length} more. Use \`status <branch>\` for one of them.`),
    );
  }
  blocks.push(...costTotals(records, now.now, { scope, admin: options.admin }));
  return message(`${title}: ${records.length}`, blocks);
};

const button = (text: string, actionId: string, deployId: string): Button => ({
  type: 'button',
  text: { type: 'plain_text', text },
  action_id: actionId,
  value: deployId,
});

/** [Extend] [Keep overnight] [Terminate], as the notifier's ready message has them. */
const buttonsFor = (deployId: string): Block => {
  const terminate: Button = {
    ...button('Terminate', ACTIONS.terminate, deployId),
    style: 'danger',
    confirm: {
      title: { type: 'plain_text', text: 'Terminate this environment?' },
      text: { type: 'mrkdwn', text: `Deploy ${code(deployId)} will be shut down now.` },
      confirm: { type: 'plain_text', text: 'Terminate' },
      deny: { type: 'plain_text', text: 'Keep it' },
    },
  };
  const extend = button('Extend', ACTIONS.extend, deployId);
  return {
    type: 'actions',
    elements: [extend, button('Keep overnight', ACTIONS.keepOvernight, deployId), terminate],
  };
};

/** A history note in words: `READY: http://…/ (phone-home)`, never nested in parentheses. */
const historyLine = (entry: DeploymentRecord['history'][number]): string =>
  `• ${entry.at} ${escapeMrkdwn(entry.step)}${entry.note ? `: ${escapeMrkdwn(entry.note)}` : ''}`;

const historyText = (record: DeploymentRecord): string => {
  const entries = record.history.slice(-MAX_HISTORY);
  const skipped = record.history.length - entries.length;
  const lines = entries.map(historyLine);
  return (
    [skipped > 0 ? `…${skipped} earlier steps` : '', ...lines].filter(Boolean).join('\n') || 'No steps yet.'
  );
};

/** `/deploy status`: one deployment with its step history; live ones carry Extend and Terminate. */
export const statusMessage = (
  record: DeploymentRecord,
  now: Clocked,
  options: { live: boolean; olderCount?: number },
): SlackMessage => {
  const fields = [
    `*State*\n${record.status}`,
    `*Owner*\n<@${record.owner.userId}>`,
    `*URL*\n${linkTo(record.url)}`,
    `*Ends*\n${options.live ? timeLeft(record, now) : '-'}`,
    ...(record.cost ? [`*Cost*\n${costOf(record, now.now)}`] : []),
    `*Query*\n${code(record.query)}`,
    `*Created*\n${record.createdAt}`,
  ];
  const blocks: Block[] = [
    section(`${subjectOf(record)} · deploy ${code(record.deployId)}`, fields),
    section(`*History*\n${historyText(record)}`),
  ];
  if (options.live) blocks.push(buttonsFor(record.deployId));
  if (options.olderCount)
    blocks.push(context(`${options.olderCount} older deployment(s) of this branch are not shown.`));
  if (record.status === 'REQUESTED')
    blocks.splice(
      1,
      0,
      section(`:mag: Looking for a branch matching ${code(record.query)}; it launches once found.`),
    );
  return message(`${record.branch ?? record.query}: ${record.status}`, blocks);
};
