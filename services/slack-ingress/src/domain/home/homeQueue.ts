import { placeOf, type QueueEntry, waitingOf } from '@branch-envs/shared/deployments/deployQueue';
import type { Clocked } from '@branch-envs/shared/slack';
import type { Role } from '../authorization';
import { context, header, section } from '../blocks';
import { queueReplies } from '../messages/queueReplies';
import type { HomeBlock } from './homeBlocks';

/**
 * The queue on the Home tab (ADR 0031): the viewer's waiting requests with their place and how long
 * they wait at most, and for admins how many wait in the stage. At most 3 blocks (the lines are one
 * section, bounded like `/deploy list`'s), so the view's budget stays below Slack's 100 blocks.
 */

const MAX_QUEUED_SHOWN = 10;

export interface QueueViewInput {
  viewer: { userId: string; role: Role };
  /** The queue item's entries as read; undefined when the queue is off or could not be read. */
  queue?: readonly QueueEntry[];
  deployCommand: string;
  clock: Clocked;
}

/** The viewer's waiting requests, under their environments; nothing when there are none or the queue is off. */
export const myQueueBlocks = (input: QueueViewInput): HomeBlock[] => {
  const entries = input.queue ?? [];
  const mine = waitingOf(entries)
    .filter((entry) => entry.owner.userId === input.viewer.userId)
    .map((entry) => ({ entry, place: placeOf(entries, entry.entryId) ?? 0 }))
    .sort((a, b) => a.place - b.place);
  if (mine.length === 0) return [];
  const shown = mine.slice(0, MAX_QUEUED_SHOWN);
  const hidden = mine.length - shown.length;
  return [
    header(`Your queued deploys (${mine.length})`),
    section(shown.map(({ entry, place }) => queueReplies.homeLine(entry, place, input.clock)).join('\n')),
    ...(hidden > 0
      ? [context(`…and ${hidden} more: \`${input.deployCommand} list mine\` lists them all.`)]
      : []),
  ];
};

/** Admins: the stage's queue length, under the quota use; nothing when the queue is off. */
export const stageQueueBlocks = (input: QueueViewInput): HomeBlock[] => {
  if (input.viewer.role !== 'admin' || input.queue === undefined) return [];
  const waiting = waitingOf(input.queue).length;
  return [context(queueReplies.stageQueueLine(waiting, input.deployCommand))];
};
