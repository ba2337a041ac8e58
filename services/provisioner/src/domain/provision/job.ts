import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { BranchResolved } from '@branch-envs/shared/events/BranchResolved';
import type { Log, ProvisionerPorts } from '../ports';
import type { ProvisionSettings } from '../settings';

/** One BranchResolved to handle, with the logger that carries its ids. */
export interface Job {
  detail: BranchResolved;
  log: Log;
}

/** What every step may use: the ports and the settings, both fixed at cold start. */
export interface ProvisionDeps {
  ports: ProvisionerPorts;
  settings: ProvisionSettings;
}

/**
 * What the provisioner does with a deployment in one state of the record. Steps are chosen from
 * the record as it is read, so a redelivery or a replay continues where the last delivery stopped.
 */
export type Step = (job: Job, record: DeploymentRecord, deps: ProvisionDeps) => Promise<void>;
