/**
 * The local-mode contract with the services: every value the runner adds on top of a function's
 * template environment when it runs on the local stack. This file is the one place it is written;
 * local/README.md documents it for service authors.
 */
import type { LocalFunction } from '../templates/runtimeBindings';

export const LOCAL_STAGE = 'local';
export const LOCAL_ACCOUNT_ID = '123456789012';
export const ARTIFACT_BUCKET = 'branch-envs-local-artifacts';
export const HEALTH_PATH = '/health';
export const DEMO_REPOSITORY = { owner: 'acme', repo: 'shop' } as const;

/** Secrets live in moto SSM as SecureString, as they do in AWS; these are fixed local values. */
export const LOCAL_SECRETS = {
  signingSecret: {
    name: '/branch-envs/local/slack/signing-secret',
    value: 'local-signing-secret-not-for-production',
  },
  botToken: { name: '/branch-envs/local/slack/bot-token', value: 'xoxb-local' },
  githubToken: { name: '/branch-envs/local/github/token', value: 'local-github-token-not-for-production' },
  /** What GitHub signs webhooks with (`branch-envs webhook` signs with it too). */
  githubWebhookSecret: {
    name: '/branch-envs/local/github/webhook-secret',
    value: 'local-github-webhook-secret-not-for-production',
  },
} as const;

/**
 * The demo app's one secret (issue 14): what a team puts under `/branch-envs/<stage>/apps/<app>/`.
 * Instances read it at boot with their own role; the simulator's health answer proves it arrived
 * by its SHA-256, and the e2e secrets scan looks for this value everywhere else.
 */
export const LOCAL_APP_SECRET = {
  name: '/branch-envs/local/apps/shop/DEMO_API_KEY',
  value: 'local-demo-app-secret-not-for-production',
} as const;

export interface GithubTarget {
  apiUrl: string;
  owner: string;
  repo: string;
  /** Set only when the user configured the real API; seeded into SSM, never put in a function's env. */
  token?: string;
  real: boolean;
}

type Env = Record<string, string | undefined>;

/**
 * The real GitHub API when the user exported `GITHUB_TOKEN` and `GITHUB_REPO=owner/name` (or
 * `GITHUB_OWNER` plus `GITHUB_REPO=name`); otherwise the stand-in with the demo repository.
 */
export const githubTarget = (standInUrl: string, env: Env = process.env): GithubTarget => {
  const token = env.GITHUB_TOKEN?.trim();
  const [first, second] = (env.GITHUB_REPO ?? '').trim().split('/');
  const owner = second ? first : env.GITHUB_OWNER?.trim();
  const repo = second ?? first;
  if (token && owner && repo) {
    return { apiUrl: env.GITHUB_API_URL?.trim() || 'https://api.github.com', owner, repo, token, real: true };
  }
  return { apiUrl: standInUrl, ...DEMO_REPOSITORY, real: false };
};

export interface LocalEndpoints {
  slackCatcherUrl: string;
  simulatorUrl: string;
  github: GithubTarget;
  /** The Run Command stand-in in front of moto's SSM (ADR 0021); absent, SSM calls go to moto. */
  runCommandUrl?: string;
}

/** Local-mode overrides; they win over the template's values of the same name. */
export const localModeOverrides = ({
  slackCatcherUrl,
  simulatorUrl,
  github,
  runCommandUrl,
}: LocalEndpoints): Record<string, string> => ({
  // Services post only to https://hooks.slack.com/... response URLs, then swap the origin for this one.
  SLACK_HOOKS_ORIGIN: slackCatcherUrl,
  SLACK_API_BASE: `${slackCatcherUrl}/api`,
  SLACK_WEBHOOK_URL: `${slackCatcherUrl}/webhook/local`,
  GITHUB_API_URL: github.apiUrl,
  GITHUB_OWNER: github.owner,
  GITHUB_REPO: github.repo,
  // moto instances serve nothing; the instance simulator answers for them under their id.
  APP_URL_TEMPLATE: `${simulatorUrl}/{instanceId}/`,
  HEALTH_PATH,
  ARTIFACT_BUCKET,
  // SDK v3 prefers a service's own endpoint variable over AWS_ENDPOINT_URL: SSM alone goes through
  // the stand-in, which plays Run Command and forwards parameters and documents to moto.
  ...(runCommandUrl ? { AWS_ENDPOINT_URL_SSM: runCommandUrl } : {}),
});

/** What Lambda's runtime sets for every function, pointed at moto with fake credentials. */
export const lambdaRuntimeEnv = (
  fn: LocalFunction,
  motoEndpoint: string,
  region: string,
): Record<string, string> => ({
  AWS_ENDPOINT_URL: motoEndpoint,
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
  AWS_LAMBDA_FUNCTION_NAME: fn.name,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
  AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.logicalId}`,
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
  LAMBDA_TASK_ROOT: fn.serviceDir,
  TZ: 'UTC',
  // No X-Ray daemon locally; the tracer would only log that it cannot reach one.
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  // The machines run Node 20 while Lambda runs 22 (ADR 0001); the SDK's reminder is noise here.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** Only what a process needs to run; nothing else leaks from the user's shell into a function. */
const processBasics = (env: Env): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
};

/** A function's whole `process.env`: template variables, then local overrides, then the runtime's. */
export const functionEnvironment = (
  fn: LocalFunction,
  overrides: Record<string, string>,
  motoEndpoint: string,
  region: string,
  env: Env = process.env,
): Record<string, string> => ({
  ...processBasics(env),
  ...fn.environment,
  ...overrides,
  ...lambdaRuntimeEnv(fn, motoEndpoint, region),
});
