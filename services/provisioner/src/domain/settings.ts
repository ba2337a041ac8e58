import type { AppSettings, LaunchSettings, PricingSettings, QuotaSettings, ReadinessSettings } from './ports';

/** The provisioner's settings as the use cases see them; config.ts builds them from the environment. */
export interface ProvisionSettings {
  quota: QuotaSettings;
  launch: LaunchSettings;
  pricing: PricingSettings;
  app: AppSettings;
  readiness: ReadinessSettings;
}

/** SQS refuses a DelaySeconds above 15 minutes. */
export const MAX_SQS_DELAY_SECONDS = 900;
