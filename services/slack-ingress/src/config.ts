import {
  commaSeparated,
  durationVariable,
  loadConfig,
  nightlyConfigOf,
  nightlyVariables,
} from '@branch-envs/shared/config';
import { parseDuration } from '@branch-envs/shared/duration';
import { SlackUserId } from '@branch-envs/shared/events/common';
import * as z from 'zod';
import type { IngressSettings } from './domain/ports';

const duration = (fallback: string) => durationVariable(parseDuration, fallback);

const command = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .pipe(z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'must be a slash command like /deploy'));

const origin = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .pipe(z.url({ protocol: /^https?$/ }))
    .transform((value) => new URL(value).origin);

/** The environment variables of the ingress function; names and defaults are in the README. */
const IngressEnv = z
  .object({
    STAGE: z.string(),
    EVENT_BUS_NAME: z.string(),
    DEPLOYMENTS_TABLE: z.string(),
    SIGNING_SECRET_PARAM: z.string().startsWith('/'),
    BOT_TOKEN_PARAM: z.string().startsWith('/').optional(),
    DEPLOY_COMMAND: command('/deploy'),
    TERMINATE_COMMAND: command('/terminate'),
    ALLOWED_USERS: commaSeparated(SlackUserId),
    ADMIN_USERS: commaSeparated(SlackUserId),
    ALLOWED_USER_GROUPS: commaSeparated(
      z.string().regex(/^S[A-Z0-9]{2,20}$/, 'must be a Slack user-group id'),
    ),
    /** The resolver's cache table, where it keeps the open pull requests the Deploy form offers. */
    RESOLVER_CACHE_TABLE: z.string().min(1).optional(),
    DEFAULT_TTL: duration('4h'),
    MAX_TTL: duration('2d'),
    QUEUE_MAX_WAIT_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
    /** Where the per-user log request counters live (ADR 0030); unset, log requests are not limited. */
    IDEMPOTENCY_TABLE: z.string().min(1).optional(),
    LOGS_PER_USER_PER_MINUTE: z.coerce.number().int().min(1).max(60).default(3),
    ...nightlyVariables,
    /** Swapped in at send time only (local mode points it at the Slack catcher). */
    SLACK_HOOKS_ORIGIN: origin('https://hooks.slack.com'),
    SLACK_API_BASE: z
      .string()
      .default('https://slack.com/api')
      .pipe(z.url({ protocol: /^https?$/ })),
  })
  .superRefine((env, ctx) => {
    if (env.MAX_TTL < env.DEFAULT_TTL) {
      ctx.addIssue({ code: 'custom', path: ['MAX_TTL'], message: 'must be at least DEFAULT_TTL' });
    }
    if (env.ALLOWED_USER_GROUPS.length > 0 && env.BOT_TOKEN_PARAM === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_TOKEN_PARAM'],
        message: 'is needed for ALLOWED_USER_GROUPS',
      });
    }
  });

export interface IngressConfig {
  stage: string;
  eventBusName: string;
  deploymentsTable: string;
  resolverCacheTable: string | undefined;
  /** The table of the log request counters, and the limit per user and minute (ADR 0030). */
  logsRateLimit: { table: string; perMinute: number } | undefined;
  signingSecretParam: string;
  botTokenParam: string | undefined;
  slackHooksOrigin: string;
  slackApiBase: string;
  settings: IngressSettings;
}

/** Reads the environment once, at cold start; a bad value fails there, naming the variable. */
export const loadIngressConfig = (env: Record<string, string | undefined> = process.env): IngressConfig => {
  const c = loadConfig(IngressEnv, env);
  return {
    stage: c.STAGE,
    eventBusName: c.EVENT_BUS_NAME,
    deploymentsTable: c.DEPLOYMENTS_TABLE,
    resolverCacheTable: c.RESOLVER_CACHE_TABLE,
    logsRateLimit: c.IDEMPOTENCY_TABLE
      ? { table: c.IDEMPOTENCY_TABLE, perMinute: c.LOGS_PER_USER_PER_MINUTE }
      : undefined,
    signingSecretParam: c.SIGNING_SECRET_PARAM,
    botTokenParam: c.BOT_TOKEN_PARAM,
    slackHooksOrigin: c.SLACK_HOOKS_ORIGIN,
    slackApiBase: c.SLACK_API_BASE.replace(/\/+$/, ''),
    settings: {
      deployCommand: c.DEPLOY_COMMAND,
      terminateCommand: c.TERMINATE_COMMAND,
      defaultTtlSeconds: c.DEFAULT_TTL,
      maxTtlSeconds: c.MAX_TTL,
      queueMaxWaitSeconds: c.QUEUE_MAX_WAIT_MINUTES * 60,
      nightly: nightlyConfigOf(c),
      policy: {
        allowedUsers: new Set(c.ALLOWED_USERS),
        adminUsers: new Set(c.ADMIN_USERS),
        allowedUserGroups: c.ALLOWED_USER_GROUPS,
      },
    },
  };
};
