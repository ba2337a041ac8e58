import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import { type Clocked, slackTime } from '@branch-envs/shared/slack';
import { code } from '../text';

/** What ingress says about the deploy queue (ADR 0025). */

const until = (entry: Pick<QueueEntry, 'expiresAt'>, view: Clocked): string =>
  slackTime(entry.expiresAt, view.now, view.nightly.timeZone);

export const queueReplies = {
  queued: (entry: QueueEntry, place: number, view: Clocked, listCommand: string): string =>
    `⏳ ${code(entry.query)} is queued: number ${place} in line. It starts by itself when a slot frees up, ` +
    `and you will hear from me then; if none does by ${until(entry, view)} it is dropped. ` +
    `\`${listCommand} list\` shows the queue.`,
  alreadyQueued: (entry: QueueEntry, place: number, view: Clocked): string =>
    `⏳ ${code(entry.query)} is already queued: number ${place} in line, waiting until ${until(entry, view)} at most.`,
  alreadyStarted: (entry: QueueEntry): string =>
    `🚀 ${code(entry.query)} already left the queue: it is deploying as ${code(entry.startedAs ?? '')}.`,
  alreadyEnded: (entry: QueueEntry): string =>
    `${code(entry.query)} already left the queue without starting (${entry.endReason === 'expired' ? 'its wait ran out' : 'it was cancelled'}); deploy it again if you still need it.`,
  queueOff:
    'Queueing is not set up on this stage; terminate an environment you no longer need, then deploy again.',
  queueFull: 'The queue is full. Terminate an environment you no longer need, then deploy again.',
  notYours: 'Only the person who asked for this deploy can queue it.',
  notQuotaRefusal: (deployId: string): string =>
    `Deploy ${code(deployId)} was not refused over a quota, so there is nothing to queue; deploy it again instead.`,
  unknownRequest: (deployId: string): string => `I have no deploy ${code(deployId)} to queue.`,
  cancelled: (count: number): string =>
    count === 1 ? 'Your queued request was cancelled too.' : `${count} queued requests were cancelled too.`,
  cancelledOnly: (count: number): string =>
    count === 1 ? '🗑️ Cancelled your queued request.' : `🗑️ Cancelled ${count} queued requests.`,
  homeLine: (entry: QueueEntry, place: number, view: Clocked): string =>
    `• ${code(entry.query)} · number ${place} in line · waits until ${until(entry, view)} at most`,
  stageQueueLine: (waiting: number, deployCommand: string): string =>
    waiting === 0
      ? '*Queue:* nobody is waiting for a slot.'
      : `*Queue:* ${waiting} request${waiting === 1 ? '' : 's'} waiting for a slot (\`${deployCommand} list\` shows them).`,
  listLine: (entry: QueueEntry, place: number, view: Clocked): string =>
    `${place}. ${code(entry.query)} for <@${entry.owner.userId}> · waits until ${until(entry, view)} · ${code(entry.entryId)}`,
};
