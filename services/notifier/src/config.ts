import { loadConfig, nightlyConfigOf, nightlyVariables } from '@branch-envs/shared/config';
import type { NightlyConfig } from '@branch-envs/shared/lifetime';
import * as z from 'zod';
import type { Visibility } from './domain/routing';

const HOOKS_ORIGIN = 'https://hooks.slack.com';

const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .pipe(z.url({ protocol: /^https?$/ }))
    .transform((value) => value.replace(/\/+$/, ''));

const parameterName = z.string().startsWith('/').optional();

/** The environment variables of the notify function; README.md lists their meaning and defaults. */
const NotifierEnv = z
  .object({
    STAGE: z.string(),
    NOTIFIER_TABLE: z.string(),
    IDEMPOTENCY_TABLE: z.string(),
    MESSAGE_VISIBILITY: z.enum(['ephemeral', 'in_channel']).default('ephemeral'),
    /** Swapped in at send time only; local mode points it at the Slack catcher. */
    SLACK_HOOKS_ORIGIN: httpUrl(HOOKS_ORIGIN).transform((value) => new URL(value).origin),
    SLACK_API_BASE: httpUrl('https://slack.com/api'),
    BOT_TOKEN_PARAM: parameterName,
    SLACK_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    SLACK_WEBHOOK_PARAM: parameterName,
    GITHUB_API_URL: httpUrl('https://api.github.com'),
    GITHUB_OWNER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,39}$/, 'must be a GitHub user or organisation')
      .optional(),
    GITHUB_REPO: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a repository name')
      .optional(),
    GITHUB_TOKEN_PARAM: parameterName,
    ...nightlyVariables,
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_WEBHOOK_URL && !isHooksUrl(env.SLACK_WEBHOOK_URL, env.SLACK_HOOKS_ORIGIN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_WEBHOOK_URL'],
        message: `must start with ${HOOKS_ORIGIN}/ (or SLACK_HOOKS_ORIGIN in local mode)`,
      });
    }
  });

/**
 * Slack's hooks host, or the configured hooks origin (the local Slack catcher). Anything else is
 * refused, so a misconfigured or injected URL can never make the notifier post elsewhere (docs/architecture.md §7).
 */
export const isHooksUrl = (value: string, hooksOrigin: string): boolean => {
  try {
    const url = new URL(value);
    return url.origin === HOOKS_ORIGIN || url.origin === hooksOrigin;
  } catch {
    return false;
  }
};

export interface GithubSettings {
  apiUrl: string;
  owner: string;
  repo: string;
  tokenParam: string;
}

export interface NotifierConfig {
  stage: string;
  notifierTable: string;
  idempotencyTable: string;
  visibility: Visibility;
  slackHooksOrigin: string;
  slackApiBase: string;
  botTokenParam: string | undefined;
  /** A plain webhook URL from the environment wins over the SSM parameter. */
  webhookUrl: string | undefined;
  webhookParam: string | undefined;
  /** Undefined when owner, repo or token parameter is not configured: GitHub Deployments are off. */
  github: GithubSettings | undefined;
  /** The reaper's nightly shutdown, so every message can say when an environment really ends. */
  nightly: NightlyConfig;
}

/** Reads the environment once, at cold start; a bad value fails there, naming the variable. */
export const loadNotifierConfig = (env: Record<string, string | undefined> = process.env): NotifierConfig => {
  const c = loadConfig(NotifierEnv, env);
  const github =
    c.GITHUB_OWNER && c.GITHUB_REPO && c.GITHUB_TOKEN_PARAM
      ? {
          apiUrl: c.GITHUB_API_URL,
          owner: c.GITHUB_OWNER,
          repo: c.GITHUB_REPO,
          tokenParam: c.GITHUB_TOKEN_PARAM,
        }
      : undefined;
  return {
    stage: c.STAGE,
    notifierTable: c.NOTIFIER_TABLE,
    idempotencyTable: c.IDEMPOTENCY_TABLE,
    visibility: c.MESSAGE_VISIBILITY,
    slackHooksOrigin: c.SLACK_HOOKS_ORIGIN,
    slackApiBase: c.SLACK_API_BASE,
    botTokenParam: c.BOT_TOKEN_PARAM,
    webhookUrl: c.SLACK_WEBHOOK_URL,
    webhookParam: c.SLACK_WEBHOOK_PARAM,
    github,
    nightly: nightlyConfigOf(c),
  };
};
