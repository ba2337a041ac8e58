import type { TransitionUpdates } from '@branch-envs/shared/deployments/repository';
import { hourlyMicros } from '@branch-envs/shared/pricing/cost';
import type { LaunchedInstance, PricingSettings } from '../ports';

/** The root volume's type; launchSpec's block device mapping writes the same. */
export const ROOT_VOLUME_TYPE = 'gp3';

/**
 * What LAUNCHING → RUNNING records about the instance: its id and type, the market it got after any
 * fallback, and its rate from the stage's price table (ADR 0027). No price is asked of AWS here; a
 * launch the table does not price gets no `cost`, and the views show none rather than a wrong one.
 */
export const ownership = (
  instance: LaunchedInstance,
  pricing: PricingSettings,
  launchedAt: Date,
): TransitionUpdates => {
  const rate = pricing.table
    ? hourlyMicros(pricing.table, {
        instanceType: instance.instanceType,
        market: instance.market,
        volumeGb: pricing.rootVolumeGb,
        volumeType: ROOT_VOLUME_TYPE,
      })
    : undefined;
  return {
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
    market: instance.market,
    ...(rate === undefined
      ? {}
      : {
          cost: {
            market: instance.market,
            instanceType: instance.instanceType,
            hourlyMicros: rate,
            since: launchedAt.toISOString(),
          },
        }),
  };
};
