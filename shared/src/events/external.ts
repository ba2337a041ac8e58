import type { ServiceName } from '../envelope';

/**
 * Events that AWS publishes, not a branch-envs service: they have no contract of ours (their shape
 * is AWS's, parsed where they are consumed), but their wiring is declared here like the contracts',
 * so the static wiring test checks it too.
 */
export interface ExternalEvent {
  source: string;
  detailType: string;
  consumers: readonly ServiceName[];
  /** The stack whose rule forwards it from the default bus (where AWS puts it) to the stage bus. */
  forwardedBy: 'platform';
}

export const EXTERNAL_EVENTS: readonly ExternalEvent[] = [
  // New build artifacts: the provisioner updates live environments in place (ADR 0021).
  { source: 'aws.s3', detailType: 'Object Created', consumers: ['provisioner'], forwardedBy: 'platform' },
  // AWS is about to reclaim a Spot instance: the reaper ends its deployment (ADR 0028).
  {
    source: 'aws.ec2',
    detailType: 'EC2 Spot Instance Interruption Warning',
    consumers: ['reaper'],
    forwardedBy: 'platform',
  },
];
