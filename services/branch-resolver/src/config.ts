import { loadConfig } from '@branch-envs/shared/config';
import * as z from 'zod';
import type { ResolverSettings } from './domain/resolveRequest';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true'));

const int = (fallback: number, min: number, max: number) =>
  z.string().default(String(fallback)).transform(Number).pipe(z.number().int().min(min).max(max));

const PLACEHOLDER = /\{([^}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['app', 'branch']);

/** `build-artifacts/{app}-{branch}.jar,...`: every template names `{branch}` and nothing unknown. */
const artifactKeyTemplates = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .max(900)
          .refine((t) => t.includes('{branch}'), 'every key template must contain {branch}')
          .refine(
            (t) => [...t.matchAll(PLACEHOLDER)].every((m) => KNOWN_PLACEHOLDERS.has(m[1] ?? '')),
            'the only placeholders are {app} and {branch}',
          ),
      )
      .min(1),
  );

/** The function's environment variables; README.md (Configuration) documents each one. */
const ResolverEnv = z
  .object({
    STAGE: z.string(),
    EVENT_BUS_NAME: z.string(),
    DEPLOYMENTS_TABLE: z.string(),
    IDEMPOTENCY_TABLE: z.string(),
    RESOLVER_CACHE_TABLE: z.string(),
    GITHUB_API_URL: z
      .string()
      .default('https://api.github.com')
      .pipe(z.url({ protocol: /^https?$/ })),
    GITHUB_OWNER: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub owner login'),
    GITHUB_REPO: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name'),
    GITHUB_TOKEN_PARAM: z.string().startsWith('/').optional(),
    GITHUB_TIMEOUT_MS: int(4000, 100, 20_000),
    GITHUB_RETRIES: int(1, 0, 3),
    GITHUB_PR_LISTING: z.enum(['rest', 'graphql']).default('rest'),
    ARTIFACT_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    ARTIFACT_KEYS: artifactKeyTemplates,
    APP_NAME: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
    ALLOW_CLOSED_PRS: flag(false),
    ALLOW_BRANCH_WITHOUT_PR: flag(false),
    MAX_REQUEST_AGE_SECONDS: int(900, 1, 7 * 24 * 3600),
    MAX_RECEIVE_COUNT: int(5, 1, 1000),
    CACHE_TTL_SECONDS: int(7 * 24 * 3600, 60, 90 * 24 * 3600),
    AWS_ENDPOINT_URL: z.url().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.APP_NAME === undefined && env.ARTIFACT_KEYS.some((t) => t.includes('{app}'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_NAME'],
        message: 'is needed by the {app} in ARTIFACT_KEYS',
      });
    }
  });

export interface ResolverConfig {
  stage: string;
  eventBusName: string;
  deploymentsTable: string;
  idempotencyTable: string;
  cacheTable: string;
  cacheTtlSeconds: number;
  github: {
    apiUrl: string;
    tokenParam: string;
    timeoutMs: number;
    retries: number;
    listing: 'rest' | 'graphql';
  };
  /** The queue's maxReceiveCount: the attempt that must answer instead of throwing. */
  maxReceiveCount: number;
  /** Set only on the local stack (moto), where S3 needs path-style addressing. */
  awsEndpointUrl: string | undefined;
  settings: ResolverSettings;
}

/** Reads the environment once, at cold start; a bad value fails there, naming the variable. */
export const loadResolverConfig = (env: Record<string, string | undefined> = process.env): ResolverConfig => {
  const c = loadConfig(ResolverEnv, env);
  return {
    stage: c.STAGE,
    eventBusName: c.EVENT_BUS_NAME,
    deploymentsTable: c.DEPLOYMENTS_TABLE,
    idempotencyTable: c.IDEMPOTENCY_TABLE,
    cacheTable: c.RESOLVER_CACHE_TABLE,
    cacheTtlSeconds: c.CACHE_TTL_SECONDS,
    github: {
      apiUrl: c.GITHUB_API_URL.replace(/\/+$/, ''),
      tokenParam: c.GITHUB_TOKEN_PARAM ?? `/branch-envs/${c.STAGE}/github/token`,
      timeoutMs: c.GITHUB_TIMEOUT_MS,
      retries: c.GITHUB_RETRIES,
      listing: c.GITHUB_PR_LISTING,
    },
    maxReceiveCount: c.MAX_RECEIVE_COUNT,
    awsEndpointUrl: c.AWS_ENDPOINT_URL,
    settings: {
      owner: c.GITHUB_OWNER,
      repo: c.GITHUB_REPO,
      allowClosedPulls: c.ALLOW_CLOSED_PRS,
      allowBranchWithoutPull: c.ALLOW_BRANCH_WITHOUT_PR,
      maxRequestAgeSeconds: c.MAX_REQUEST_AGE_SECONDS,
      artifactBucket: c.ARTIFACT_BUCKET,
      artifactKeyTemplates: c.ARTIFACT_KEYS,
      appName: c.APP_NAME ?? '',
    },
  };
};
