import type { SlackMessage } from './blocks';
import type { Budget, Invocation, NotifierPorts } from './ports';
import type { Route, Thread } from './routing';

export interface Delivery {
  route: Route['kind'];
  /** The bot message now showing this message, when the bot carried it. */
  thread?: Thread;
  /** True when that bot message was posted just now (not edited). */
  posted: boolean;
}

type Ports = Pick<NotifierPorts, 'store' | 'slack' | 'telemetry' | 'visibility'>;

const viaResponseUrl = async (
  route: Extract<Route, { kind: 'response_url' }>,
  message: SlackMessage,
  replaceOriginal: boolean,
  ports: Ports,
  budget: Budget,
): Promise<boolean> => {
  if (!(await ports.store.claimResponseUrlUse(route.url, route.expiresAt))) return false;
  const body = { ...message, response_type: ports.visibility, replace_original: replaceOriginal };
  return (await ports.slack.respond(route.url, body, budget)) === 'sent';
};

const viaUpdate = async (thread: Thread, message: SlackMessage, ports: Ports, budget: Budget) => {
  const updated = await ports.slack.update(thread, message, budget);
  if (updated !== 'not_found') return { route: 'chat.update', thread: updated, posted: false } as const;
  // Someone deleted the message: start a new one where it was.
  const posted = await ports.slack.postMessage(thread.channel, message, budget);
  return { route: 'chat.postMessage', thread: posted, posted: true } as const;
};

/**
 * Sends one message along the first route that takes it. A response_url that is used up or that
 * Slack calls expired passes to the next route; every other failure is thrown, so the record is
 * retried and, if it keeps failing, lands in the DLQ.
 */
export const deliver = async (
  routes: readonly Route[],
  message: SlackMessage,
  options: { replaceOriginal: boolean },
  ports: Ports,
  invocation: Invocation,
): Promise<Delivery | undefined> => {
  for (const route of routes) {
    switch (route.kind) {
      case 'response_url':
        if (await viaResponseUrl(route, message, options.replaceOriginal, ports, invocation)) {
          return { route: route.kind, posted: false };
        }
        invocation.logger.info('response_url is used up or expired; trying the next route');
        ports.telemetry.count('ResponseUrlFallback');
        break;
      case 'chat.update':
        return viaUpdate(route.thread, message, ports, invocation);
      case 'chat.postMessage': {
        const thread = await ports.slack.postMessage(route.channel, message, invocation);
        return { route: route.kind, thread, posted: true };
      }
      case 'webhook':
        await ports.slack.webhook(message, invocation);
        return { route: route.kind, posted: false };
    }
  }
  return undefined;
};
