import type { DeployQueueItem } from '@branch-envs/shared/deployments/deployQueue';
import type { DeploymentItem, DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { NightlyConfig } from '@branch-envs/shared/lifetime';
import type { AccessPolicy, GroupDirectory } from '../authorization';
import type { HomeView } from './homeBlocks';
import type { Quotas } from './homeView';

/** Slack's `views.publish`, for one user's Home tab. */
export interface HomeViews {
  publish(userId: string, view: HomeView): Promise<void>;
}

export interface HomePorts {
  views: HomeViews;
  groups: GroupDirectory;
  deployments: {
    get(deployId: string): Promise<DeploymentItem | undefined>;
    live(): Promise<DeploymentRecord[]>;
  };
  now: () => Date;
  /** The deploy queue (ADR 0025, 0031); without it the tab shows no queue. */
  queue?: { read(): Promise<DeployQueueItem> };
}

export interface HomeSettings {
  deployCommand: string;
  policy: AccessPolicy;
  nightly: NightlyConfig;
  quotas: Quotas;
}
