import type { InstanceUpdated, UpdateFailed, UpdateRefused } from '@branch-envs/shared/events';
import { slackTime } from '@branch-envs/shared/slack';
import { context, message, type SlackMessage, section } from '../blocks';
import type { Facts } from '../states';
import { code, escapeMrkdwn } from '../text';
import { readyMessage } from './deployment';
import type { Clocked } from './lifetime';

/**
 * An update in place (issue 18) re-renders the deployment's ready message, so the one message
 * keeps its URL and buttons, with a line that says which build it now runs, or why not.
 */

const builtAt = (iso: string, view: Clocked): string =>
  slackTime(Math.floor(Date.parse(iso) / 1000), view.now, view.nightly.timeZone);

/** "🔄 Updated to `abc1234`, built …": the new build, and whether its database was re-seeded. */
export const updatedMessage = (data: InstanceUpdated['data'], facts: Facts, view: Clocked): SlackMessage => {
  const reseeded = data.reseeded ? ' The database was re-seeded from its dump.' : '';
  const note = `🔄 Updated to ${code(data.headSha.slice(0, 7))}, built ${builtAt(data.builtAt, view)}.${reseeded}`;
  return readyMessage({ ...data, expiresAt: facts.expiresAt ?? 0, note }, facts, view);
};

/** ⚠️ The update failed: whether the old build still runs, and which one it is. */
export const updateFailedMessage = (
  data: UpdateFailed['data'],
  facts: Facts,
  view: Clocked,
): SlackMessage => {
  const running = data.runningHeadSha ? ` (${code(data.runningHeadSha.slice(0, 7))})` : '';
  const state = data.oldBuildRunning
    ? `the previous build${running} still runs.`
    : 'the environment does not answer its health check.';
  const note = `⚠️ The update to ${code(data.headSha.slice(0, 7))} failed; ${state} ${data.message}`;
  return readyMessage(
    {
      deployId: data.deployId,
      branch: data.branch,
      url: data.url,
      instanceId: data.instanceId,
      expiresAt: facts.expiresAt ?? 0,
      note,
    },
    facts,
    view,
  );
};

/**
 * 🚫 A `/deploy update` the provisioner did not start (ADR 0029): it replaces the request's
 * acknowledgement, and the deployment's own message is left as it is.
 */
export const updateRefusedMessage = (data: UpdateRefused['data']): SlackMessage => {
  const headline = `🚫 No update: ${escapeMrkdwn(data.message)}`;
  return message(headline, [
    section(headline),
    context(`deploy ${code(data.deployId)}`, `reason ${code(data.code)}`),
  ]);
};
