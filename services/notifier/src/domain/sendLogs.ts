import { NoRouteError } from '../errors';
import { deliver } from './deliver';
import { fitsInline, logsFile, logsMessage } from './messages/logs';
import type { LogsPlan } from './plan';
import type { Invocation, NotifierPorts } from './ports';
import { candidateRoutes } from './routing';

/**
 * Posts collected logs (ADR 0030). With the bot and a bot message for the deployment, they go in
 * its thread: a code block when short, a file (Slack's external upload) when long. Otherwise they
 * answer the person who asked, as a new message (ephemeral through the response_url while it is
 * fresh), with the end of the log inline; in a visible channel a long log is uploaded there.
 */
export const sendLogs = async (plan: LogsPlan, ports: NotifierPorts, inv: Invocation): Promise<void> => {
  const { data } = plan;
  const record = await ports.store.get(plan.deployId);
  const capabilities = await ports.slack.capabilities();
  const long = !fitsInline(data);
  const thread = record?.thread;
  if (capabilities.bot && thread) {
    if (long)
      await ports.slack.uploadFile({ ...logsFile(data), channel: thread.channel, threadTs: thread.ts }, inv);
    else await ports.slack.postReply(thread, logsMessage(data), inv);
    return;
  }
  if (capabilities.bot && long && ports.visibility === 'in_channel') {
    await ports.slack.uploadFile({ ...logsFile(data), channel: data.replyTo.channelId }, inv);
    return;
  }
  const routes = candidateRoutes({
    replyTo: data.replyTo,
    thread: undefined,
    purpose: 'new',
    now: ports.clock.now(),
    visibility: ports.visibility,
    ...capabilities,
  });
  const delivery = await deliver(routes, logsMessage(data), { replaceOriginal: false }, ports, inv);
  if (!delivery) throw new NoRouteError(plan.deployId);
  inv.logger.info('logs sent', { route: delivery.route, long });
};
