import { resolveRole } from '../authorization';
import { homeView, notAllowedView } from './homeView';
import type { HomePorts, HomeSettings } from './ports';

/** Whose Home tab to rebuild, and the channel a press on it should answer in. */
export interface HomeViewer {
  userId: string;
  channelId: string | undefined;
}

/** The queue is secondary on the tab: one that cannot be read leaves it out rather than failing the view. */
const queueForDisplay = async (ports: HomePorts) => {
  try {
    return (await ports.queue?.read())?.entries;
  } catch {
    return undefined;
  }
};

/**
 * Rebuilds one user's Home tab from the table as it is now and publishes it. A user on no list gets
 * a view that says so and nothing is read; the role is the ingress's own rule, so the buttons shown
 * are the ones the same user's presses are allowed.
 */
export const refreshHome = async (
  viewer: HomeViewer,
  settings: HomeSettings,
  ports: HomePorts,
): Promise<void> => {
  const role = await resolveRole(viewer.userId, settings.policy, ports.groups);
  if (role === 'none') {
    await ports.views.publish(viewer.userId, notAllowedView());
    return;
  }
  const live = await ports.deployments.live();
  const queue = await queueForDisplay(ports);
  const view = homeView({
    viewer: { userId: viewer.userId, role },
    channelId: viewer.channelId,
    live,
    quotas: settings.quotas,
    deployCommand: settings.deployCommand,
    clock: { now: ports.now(), nightly: settings.nightly },
    ...(queue ? { queue } : {}),
  });
  await ports.views.publish(viewer.userId, view);
};

/**
 * The owner of a deployment whose state changed, whose Home tab shows it. A deployment without a
 * record (an orphan's InstanceTerminated) changes nobody's. Replies to presses on the refreshed view
 * go where that deployment's conversation already is.
 */
export const viewerOfDeployment = async (
  deployId: string,
  ports: HomePorts,
): Promise<HomeViewer | undefined> => {
  const item = await ports.deployments.get(deployId);
  if (!item || item.kind !== 'deployment') return undefined;
  return { userId: item.owner.userId, channelId: item.channelId };
};
