import { formatDuration } from '@branch-envs/shared/duration';
import type { ExpiryExtended, InstanceExpiring, RequestRefused } from '@branch-envs/shared/events';
import { ACTIONS, actions, button, context, message, type SlackMessage, section } from '../blocks';
import type { Facts } from '../states';
import { bold, code, escapeMrkdwn, link, slackDate } from '../text';
import { readyMessage } from './deployment';

/**
 * Messages that answer a request or warn the owner, next to the deployment's own message: the expiry
 * warning must notify (an edited message does not), and a reply to a button press replaces that
 * button's acknowledgement.
 */

type Expiring = InstanceExpiring['data'];
type Extended = ExpiryExtended['data'];
type Refused = RequestRefused['data'];

/** ⏰ The environment ends soon unless someone presses [Extend]. */
export const expiringMessage = (data: Expiring, now: Date): SlackMessage => {
  const left = data.expiresAt - Math.floor(now.getTime() / 1000);
  const headline = `⏰ ${bold(data.branch)} will be terminated ${slackDate(data.expiresAt)} (in ${formatDuration(left, { round: 'up' })}).`;
  return message(headline, [
    section(headline),
    context(
      data.url ? link(data.url) : '',
      `deploy ${code(data.deployId)}`,
      'Press Extend to keep it longer.',
    ),
    actions(button('Extend', ACTIONS.extend, data.deployId, 'primary')),
  ]);
};

const extensionNote = (data: Extended): string => {
  const parts = [`Extended until ${slackDate(data.expiresAt)}`];
  if (data.capped) parts.push('capped at the maximum lifetime');
  if (data.keepOvernight) parts.push('kept through the nightly shutdown');
  return parts.join(', ');
};

/**
 * ⏰ The expiry moved. When the URL is known, the ready message comes back with the new time and its
 * buttons, because a press on [Extend] replaced that message with its acknowledgement.
 */
export const extendedMessage = (data: Extended, facts: Facts): SlackMessage => {
  const note = `⏰ ${extensionNote(data)}.`;
  if (facts.url) {
    return readyMessage(
      { deployId: data.deployId, branch: data.branch, url: facts.url, expiresAt: data.expiresAt, note },
      facts,
    );
  }
  const headline = `⏰ ${bold(data.branch)}: ${extensionNote(data)}.`;
  return message(headline, [section(headline), context(`deploy ${code(data.deployId)}`)]);
};

const REQUEST_WORDS: Record<Refused['request'], string> = { terminate: 'terminate', extend: 'extend' };

/** 🚫 The reaper refused a terminate or extend request; its message says why. */
export const refusedMessage = (data: Refused): SlackMessage => {
  const headline = `🚫 Could not ${REQUEST_WORDS[data.request]}: ${escapeMrkdwn(data.message)}`;
  return message(headline, [
    section(headline),
    context(data.deployId ? `deploy ${code(data.deployId)}` : '', `reason ${code(data.code)}`),
  ]);
};
