import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type ConsumedEvent, createEventConsumer } from '@branch-envs/shared/consumer';
import { type ContractsConsumedBy, contractsConsumedBy } from '@branch-envs/shared/events';
import type { HomePorts, HomeSettings } from '../domain/home/ports';
import { type HomeViewer, refreshHome, viewerOfDeployment } from '../domain/home/refreshHome';

export interface HomeDependencies {
  settings: HomeSettings;
  ports: HomePorts;
  persistenceStore: BasePersistenceLayer;
  logger?: Logger;
}

type HomeEvent = ConsumedEvent<ContractsConsumedBy<'slack-ingress'>>;

/**
 * `HomeRequested` names its viewer. Every other event is about a deployment: its owner's tab shows it,
 * and so does the tab of whoever asked for the change (an admin's [Terminate] on someone else's).
 */
const viewersOf = async (event: HomeEvent, ports: HomePorts): Promise<HomeViewer[]> => {
  if (event.detailType === 'HomeRequested') {
    const { userId, channelId } = event.detail.data;
    return [{ userId, channelId }];
  }
  // A queued request that ended has no deployment: its owner's tab drops it (ADR 0031).
  if (event.detailType === 'QueuedDeployEnded') {
    const { owner, replyTo } = event.detail.data;
    return [{ userId: owner.userId, channelId: replyTo.channelId }];
  }
  const owner = await viewerOfDeployment(event.detail.data.deployId, ports);
  const replyTo = event.detail.data.replyTo;
  const requester = replyTo ? [{ userId: replyTo.userId, channelId: replyTo.channelId }] : [];
  const viewers = owner ? [owner, ...requester] : requester;
  return viewers.filter((v, i) => viewers.findIndex((w) => w.userId === v.userId) === i);
};

/**
 * The `home` function (ADR 0023): its queue gets `HomeRequested` from the events route and every
 * lifecycle event that changes what a Home tab shows, and it republishes the affected user's tab.
 * Each eventId is handled once; a failed publish (Slack down, rate limit longer than the wait)
 * throws, so SQS redelivers it and, after five tries, keeps it in the DLQ.
 */
export const createHomeHandler = ({ settings, ports, persistenceStore, logger }: HomeDependencies) =>
  createEventConsumer({
    contracts: contractsConsumedBy('slack-ingress'),
    persistenceStore,
    ...(logger ? { logger } : {}),
    handler: async (event, context) => {
      const viewers = await viewersOf(event, ports);
      if (viewers.length === 0)
        context.logger.info('no home tab to refresh', { detailType: event.detailType });
      for (const viewer of viewers) {
        await refreshHome(viewer, settings, ports);
        context.logger.info('home tab published', { detailType: event.detailType, userId: viewer.userId });
      }
    },
  });
