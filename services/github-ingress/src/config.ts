import { loadConfig } from '@branch-envs/shared/config';
import * as z from 'zod';
import type { Repository } from './domain/webhook';

/** The environment variables of the webhook function; the README lists them. */
const GithubIngressEnv = z.object({
  STAGE: z.string(),
  EVENT_BUS_NAME: z.string(),
  IDEMPOTENCY_TABLE: z.string(),
  WEBHOOK_SECRET_PARAM: z.string().startsWith('/'),
  GITHUB_OWNER: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/),
  GITHUB_REPO: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
});

export interface GithubIngressConfig {
  stage: string;
  eventBusName: string;
  idempotencyTable: string;
  webhookSecretParam: string;
  repository: Repository;
}

/** Read once at cold start; a missing or bad variable fails the cold start with its name. */
export const loadGithubIngressConfig = (env: Record<string, string | undefined> = process.env) => {
  const e = loadConfig(GithubIngressEnv, env);
  return {
    stage: e.STAGE,
    eventBusName: e.EVENT_BUS_NAME,
    idempotencyTable: e.IDEMPOTENCY_TABLE,
    webhookSecretParam: e.WEBHOOK_SECRET_PARAM,
    repository: { owner: e.GITHUB_OWNER, repo: e.GITHUB_REPO },
  } satisfies GithubIngressConfig;
};
