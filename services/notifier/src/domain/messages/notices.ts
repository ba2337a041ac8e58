import { formatDuration } from '@branch-envs/shared/duration';
import type {
  ExpiryExtended,
  ExpiryReason,
  InstanceExpiring,
  InstanceExpiringV2,
  RequestRefused,
} from '@branch-envs/shared/events';
import { slackTime } from '@branch-envs/shared/slack';
import { context, message, type SlackMessage, section } from '../blocks';
import type { Facts } from '../states';
import { bold, code, escapeMrkdwn, link } from '../text';
import { readyMessage } from './deployment';
import { type Clocked, lifetimeButtons, overnightPhrase, untilPhrase } from './lifetime';

/**
 * Messages that answer a request or warn the owner, next to the deployment's own message: the expiry
 * warning must notify (an edited message does not), and a reply to a button press replaces that
 * button's acknowledgement.
 */

type Extended = ExpiryExtended['data'];
type Refused = RequestRefused['data'];

/** A warning, whichever version it came in: v1 only ever warned about the expiry. */
export interface Warning {
  deployId: string;
  branch: string;
  url?: string;
  endsAt: number;
  reason: ExpiryReason;
}

export const warningOf = (data: InstanceExpiring['data'] | InstanceExpiringV2['data']): Warning =>
  'reason' in data
    ? { ...data }
    : { deployId: data.deployId, branch: data.branch, url: data.url, endsAt: data.expiresAt, reason: 'ttl' };

const HOW_TO_KEEP: Record<ExpiryReason, string> = {
  ttl: 'Press Extend to keep it longer, or Keep overnight',
  nightly: 'Extend moves only its own expiry; to keep it past the nightly shutdown, press Keep overnight',
};

/** ⏰ The environment ends soon, by its expiry or by the nightly shutdown, unless someone acts. */
export const expiringMessage = (data: Warning, view: Clocked): SlackMessage => {
  const left = data.endsAt - Math.floor(view.now.getTime() / 1000);
  const when = `${slackTime(data.endsAt, view.now, view.nightly.timeZone)} (in ${formatDuration(left, { round: 'up' })})`;
  const headline =
    data.reason === 'nightly'
      ? `⏰ ${bold(data.branch)} will be terminated by the nightly shutdown ${when}.`
      : `⏰ ${bold(data.branch)} will be terminated ${when}: its time runs out.`;
  return message(headline, [
    section(`${headline}\n${HOW_TO_KEEP[data.reason]}: it then runs ${overnightPhrase(view)}.`),
    context(data.url ? link(data.url) : '', `deploy ${code(data.deployId)}`),
    lifetimeButtons(data.deployId, { terminate: false }),
  ]);
};

/**
 * A Spot environment kept overnight stays on Spot (ADR 0028: the market is chosen at launch, and
 * relaunching would lose its data): the owner is told it may be reclaimed, and what then follows.
 */
const SPOT_OVERNIGHT =
  ' It runs on Spot capacity, which AWS may reclaim before then; if it does, you will be offered [Redeploy] on on-demand capacity.';

const spotWarning = (data: Extended, facts: Facts): string =>
  data.keepOvernight && facts.cost?.market === 'spot' ? SPOT_OVERNIGHT : '';

const extensionNote = (data: Extended, view: Clocked, subject = ''): string => {
  const verb = data.keepOvernight ? 'Kept overnight' : 'Extended';
  const lead = subject ? `${subject} ${verb.toLowerCase()}` : verb;
  const parts = [`${lead}: it now runs ${untilPhrase(data, view)}`];
  if (data.capped) parts.push('capped at the maximum lifetime');
  return parts.join(', ');
};

/**
 * ⏰ The expiry moved. When the URL is known, the ready message comes back with the new time and its
 * buttons, because a press on [Extend] replaced that message with its acknowledgement.
 */
export const extendedMessage = (data: Extended, facts: Facts, view: Clocked): SlackMessage => {
  const note = `⏰ ${extensionNote(data, view)}.${spotWarning(data, facts)}`;
  if (facts.url) {
    const ready = { deployId: data.deployId, branch: data.branch, url: facts.url, note };
    return readyMessage(
      { ...ready, expiresAt: data.expiresAt, keepOvernight: data.keepOvernight },
      facts,
      view,
    );
  }
  const headline = `⏰ ${extensionNote(data, view, bold(data.branch))}.`;
  return message(headline, [
    section(`${headline}${spotWarning(data, facts)}`),
    context(`deploy ${code(data.deployId)}`),
  ]);
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
