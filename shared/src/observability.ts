import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics instance per Lambda, named from `POWERTOOLS_SERVICE_NAME`. Per-event
 * loggers are children carrying `correlationId` and `deployId` (see {@link loggerFor}).
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'branch-envs',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});

/** Every metric carries `service` and `stage`, so two stages in one account never add up. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'branch-envs',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'branch-envs',
  defaultDimensions: { stage: process.env.STAGE ?? 'unknown' },
});

/** A child logger for one event: every line it writes carries the correlation keys. */
export const loggerFor = (
  keys: { correlationId: string; deployId?: string; eventId?: string },
  parent: Logger = logger,
): Logger => parent.createChild({ persistentKeys: keys });

/**
 * The provisioner's deploy outcomes (namespace `branch-envs`, dimensions `service`, `stage`, and
 * `reason` for failures). Named here because the stage dashboard (stageConfig/dashboard.ts) reads them.
 */
export const DEPLOY_METRICS = {
  launched: 'DeploymentLaunched',
  ready: 'DeploymentReady',
  timeToReady: 'TimeToReady',
  failed: 'DeploymentFailed',
} as const;
