import type { QueueEntry } from '@branch-envs/shared/deployments/deployQueue';
import type { Clocked } from '@branch-envs/shared/slack';
import { type Block, context, header, MAX_BLOCKS, message, type SlackMessage, section } from '../blocks';
import { queueReplies } from './queueReplies';

const MAX_QUEUED_SHOWN = 10;

/**
 * `/deploy list` with the queue under the environments (ADR 0025): one section for up to ten waiting
 * requests in fair order, then a count of the rest, within Block Kit's 50 blocks of a message.
 */
export const queuedSection = (
  listed: SlackMessage,
  queued: readonly { entry: QueueEntry; place: number }[],
  view: Clocked,
): SlackMessage => {
  if (queued.length === 0) return listed;
  const shown = queued
    .slice(0, MAX_QUEUED_SHOWN)
    .map(({ entry, place }) => queueReplies.listLine(entry, place, view));
  const blocks: Block[] = [header(`Queued (${queued.length})`), section(shown.join('\n'))];
  if (queued.length > shown.length)
    blocks.push(context(`…and ${queued.length - shown.length} more waiting.`));
  const room = MAX_BLOCKS - blocks.length;
  const kept = listed.blocks.slice(0, room);
  return message(`${listed.text}; queued: ${queued.length}`, [...kept, ...blocks]);
};
