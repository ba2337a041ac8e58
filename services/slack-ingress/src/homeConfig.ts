import { loadConfig } from '@branch-envs/shared/config';
import * as z from 'zod';
import { type IngressConfig, loadIngressConfig } from './config';
import type { HomeSettings } from './domain/home/ports';

/** What the `home` function reads beyond the ingress's own variables (README: the home function). */
const HomeEnv = z.object({
  IDEMPOTENCY_TABLE: z.string().min(1),
  MAX_LIVE_PER_USER: z.coerce.number().int().min(1),
  MAX_LIVE_TOTAL: z.coerce.number().int().min(1),
});

export interface HomeConfig {
  ingress: IngressConfig;
  idempotencyTable: string;
  settings: HomeSettings;
}

/** Reads the environment once, at cold start; a bad value fails there, naming the variable. */
export const loadHomeConfig = (env: Record<string, string | undefined> = process.env): HomeConfig => {
  const ingress = loadIngressConfig(env);
  const home = loadConfig(HomeEnv, env);
  return {
    ingress,
    idempotencyTable: home.IDEMPOTENCY_TABLE,
    settings: {
      deployCommand: ingress.settings.deployCommand,
      policy: ingress.settings.policy,
      nightly: ingress.settings.nightly,
      quotas: { perUser: home.MAX_LIVE_PER_USER, total: home.MAX_LIVE_TOTAL },
    },
  };
};
