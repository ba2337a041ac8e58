import {
  commaSeparated,
  durationVariable,
  loadConfig,
  nightlyConfigOf,
  nightlyVariables,
} from '@branch-envs/shared/config';
import type { QuotaLimits } from '@branch-envs/shared/deployments/deployQueue';
import { parseCompoundDuration } from '@branch-envs/shared/duration';
import { SlackUserId } from '@branch-envs/shared/events/common';
import { z } from 'zod';
import type { ReaperPolicy } from './domain/ports';

const idList = commaSeparated(SlackUserId);

const duration = (fallback: string) => durationVariable(parseCompoundDuration, fallback);

/** The reaper's environment variables; names, defaults and meaning are in the README. */
const ReaperEnv = z.object({
  STAGE: z.string(),
  EVENT_BUS_NAME: z.string(),
  DEPLOYMENTS_TABLE: z.string(),
  IDEMPOTENCY_TABLE: z.string(),
  ADMIN_USERS: idList,
  WARN_BEFORE: duration('30m'),
  MAX_LIFETIME: duration('2d'),
  ...nightlyVariables,
  NIGHTLY_MAX_LATENESS: duration('2h'),
  TERMINATING_GRACE: duration('10m'),
  RECONCILE_GRACE: duration('10m'),
  /** The branch-resolver's MAX_REQUEST_AGE_SECONDS (the stage config's resolver.maxRequestAgeSeconds). */
  MAX_REQUEST_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(900),
  STALE_REQUEST_GRACE: duration('2m'),
  TERMINATE_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** 'false' leaves environments running when their pull request closes (issue 18). */
  TERMINATE_ON_PR_CLOSE: z.enum(['true', 'false']).default('true'),
  /** The provisioner's quotas, which the deploy queue fills up to (ADR 0025). */
  MAX_LIVE_PER_USER: z.coerce.number().int().min(1).max(1000).default(3),
  MAX_LIVE_TOTAL: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Optional: reconcile only instances whose tag of this name equals STAGE (several stages, one account). */
  RECONCILE_STAGE_TAG: z
    .string()
    .regex(/^[\w.:/=+@-]{1,127}$/)
    .optional(),
});

export interface ReaperConfig {
  stage: string;
  eventBusName: string;
  deploymentsTable: string;
  idempotencyTable: string;
  terminateBatchSize: number;
  reconcileStageTag: string | undefined;
  policy: ReaperPolicy;
  quota: QuotaLimits;
}

/** Reads the environment once, at cold start; a bad value fails there, naming the variable. */
export const loadReaperConfig = (env: Record<string, string | undefined> = process.env): ReaperConfig => {
  const c = loadConfig(ReaperEnv, env);
  const nightly = nightlyConfigOf(c);
  return {
    stage: c.STAGE,
    eventBusName: c.EVENT_BUS_NAME,
    deploymentsTable: c.DEPLOYMENTS_TABLE,
    idempotencyTable: c.IDEMPOTENCY_TABLE,
    terminateBatchSize: c.TERMINATE_BATCH_SIZE,
    reconcileStageTag: c.RECONCILE_STAGE_TAG,
    quota: { maxLivePerUser: c.MAX_LIVE_PER_USER, maxLiveTotal: c.MAX_LIVE_TOTAL },
    policy: {
      adminUsers: new Set(c.ADMIN_USERS),
      warnBeforeSeconds: c.WARN_BEFORE,
      maxLifetimeSeconds: c.MAX_LIFETIME,
      nightly,
      nightlyMaxLatenessSeconds: c.NIGHTLY_MAX_LATENESS,
      terminatingGraceSeconds: c.TERMINATING_GRACE,
      reconcileGraceSeconds: c.RECONCILE_GRACE,
      maxRequestAgeSeconds: c.MAX_REQUEST_AGE_SECONDS,
      staleRequestGraceSeconds: c.STALE_REQUEST_GRACE,
      terminateOnPrClose: c.TERMINATE_ON_PR_CLOSE === 'true',
    },
  };
};
