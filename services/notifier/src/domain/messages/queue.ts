import { formatDuration } from '@branch-envs/shared/duration';
import type { QueuedDeployEnded, QueuedDeployStarted, QueueEndReason } from '@branch-envs/shared/events';
import { type Clocked, slackTime } from '@branch-envs/shared/slack';
import { context, message, type SlackMessage, section } from '../blocks';
import { code, mention } from '../text';

/**
 * What the owner of a queued request hears when it leaves the queue (ADR 0031), in the conversation
 * where [Queue me] was pressed: it starts, or it ends without launching anything, and why and when.
 */

type Started = QueuedDeployStarted['data'];
type Ended = QueuedDeployEnded['data'];

const epochOf = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const at = (iso: string, view: Clocked): string => slackTime(epochOf(iso), view.now, view.nightly.timeZone);
const waited = (from: string, to: string): string =>
  formatDuration(epochOf(to) - epochOf(from), { round: 'up' });

/** 🚀 A slot freed and the queued request starts; its progress follows as the deployment's own message. */
export const queuedStartedMessage = (data: Started): SlackMessage => {
  const headline = `🚀 Your queued deploy of ${code(data.query)} is starting: a slot freed up.`;
  return message(headline, [
    section(
      `${headline}\nIt waited ${waited(data.enqueuedAt, data.startedAt)} in the queue. Its progress follows here.`,
    ),
    context(`deploy ${code(data.deployId)}`, `queued request ${code(data.entryId)}`),
  ]);
};

const WHY: Record<QueueEndReason, (data: Ended, view: Clocked) => string> = {
  expired: (d, view) =>
    `⌛ Your queued deploy of ${code(d.query)} was dropped: no slot freed up before its wait ran out at ` +
    `${slackTime(d.expiresAt, view.now, view.nightly.timeZone)}.`,
  cancelled_nightly: (d, view) =>
    `🌙 Your queued deploy of ${code(d.query)} was cancelled by the nightly shutdown at ${at(d.endedAt, view)}.`,
  cancelled_by_user: (d, view) =>
    `🗑️ Your queued deploy of ${code(d.query)} was cancelled at ${at(d.endedAt, view)} by your terminate command.`,
  cancelled_by_admin: (d, view) =>
    `🗑️ Your queued deploy of ${code(d.query)} was cancelled at ${at(d.endedAt, view)} by ` +
    `${d.cancelledBy ? mention(d.cancelledBy) : 'an admin'} (terminate all).`,
};

/** ⌛ / 🌙 / 🗑️ The queued request left the queue without starting; nothing was launched. */
export const queuedEndedMessage = (data: Ended, view: Clocked): SlackMessage => {
  const headline = WHY[data.reason](data, view);
  return message(headline, [
    section(
      `${headline}\nIt waited ${waited(data.enqueuedAt, data.endedAt)} and nothing was launched; deploy it again if you still need it.`,
    ),
    context(`queued request ${code(data.entryId)}`),
  ]);
};
