import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { OpsClients, OpsTarget } from '../target';
import { type CheckResult, fail, guarded, pass } from './check';

export interface TokenSettings {
  slackApiBase: string;
  botTokenParam?: string;
  /** Scopes the bot token needs: the manifest's, plus usergroups:read with ALLOWED_USER_GROUPS. */
  slackScopes: string[];
  githubApiUrl: string;
  githubTokenParam?: string;
  githubRepo?: string;
}

/** Where the deployed functions send their calls; locally, the stand-ins the stack started. */
export const tokenSettings = (target: OpsTarget, env: Record<string, string>): TokenSettings => ({
  slackApiBase: target.local
    ? `${target.local.slackCatcherUrl}/api`
    : (env.SLACK_API_BASE ?? 'https://slack.com/api'),
  githubApiUrl: target.local ? target.local.githubUrl : (env.GITHUB_API_URL ?? 'https://api.github.com'),
  // files:write: a long log is uploaded as a file (ADR 0030).
  slackScopes: [
    'commands',
    'chat:write',
    'files:write',
    ...(env.ALLOWED_USER_GROUPS ? ['usergroups:read'] : []),
  ],
  ...(env.BOT_TOKEN_PARAM ? { botTokenParam: env.BOT_TOKEN_PARAM } : {}),
  ...(env.GITHUB_TOKEN_PARAM ? { githubTokenParam: env.GITHUB_TOKEN_PARAM } : {}),
  ...(env.GITHUB_OWNER && env.GITHUB_REPO ? { githubRepo: `${env.GITHUB_OWNER}/${env.GITHUB_REPO}` } : {}),
});

const secret = async (clients: OpsClients, name: string): Promise<string> =>
  (await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value ??
  '';

/** Slack's auth.test: `ok` says the token is valid, the `x-oauth-scopes` header what it may do. */
export const slackCheck = (clients: OpsClients, settings: TokenSettings): Promise<CheckResult[]> =>
  guarded(
    'tokens',
    'Slack bot token',
    'check the bot token parameter and that Slack is reachable',
    async () => {
      const fix = `reinstall the Slack app (slack-app-manifest.yml) and put its bot token in ${settings.botTokenParam}`;
      if (!settings.botTokenParam)
        return fail('tokens', 'Slack bot token', 'no service names a BOT_TOKEN_PARAM', fix);
      const response = await fetch(`${settings.slackApiBase}/auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await secret(clients, settings.botTokenParam)}` },
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as { ok?: boolean; error?: string; team?: string; user?: string };
      if (!body.ok)
        return fail(
          'tokens',
          'Slack bot token',
          `auth.test: ${body.error ?? `HTTP ${response.status}`}`,
          fix,
        );
      const scopes = (response.headers.get('x-oauth-scopes') ?? '').split(',').map((s) => s.trim());
      const missing = settings.slackScopes.filter((s) => !scopes.includes(s));
      if (missing.length > 0)
        return fail('tokens', 'Slack bot token', `lacks scopes ${missing.join(', ')}`, fix);
      return pass(
        'tokens',
        'Slack bot token',
        `valid for ${body.user} in ${body.team}; scopes ${settings.slackScopes.join(', ')}`,
      );
    },
  );

/** GET /repos/{owner}/{repo}: reachable with the token, and `permissions.push` (deployments need write). */
export const githubCheck = (clients: OpsClients, settings: TokenSettings): Promise<CheckResult[]> =>
  guarded(
    'tokens',
    'GitHub token',
    'check the GitHub token parameter and that GitHub is reachable',
    async () => {
      const fix = `put a token with access to ${settings.githubRepo} (Contents: read, Pull requests: read, Deployments: write) in ${settings.githubTokenParam}`;
      if (!settings.githubTokenParam || !settings.githubRepo)
        return fail(
          'tokens',
          'GitHub token',
          'no service names GITHUB_TOKEN_PARAM, GITHUB_OWNER and GITHUB_REPO',
          fix,
        );
      const response = await fetch(`${settings.githubApiUrl}/repos/${settings.githubRepo}`, {
        headers: {
          authorization: `Bearer ${await secret(clients, settings.githubTokenParam)}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        return fail(
          'tokens',
          'GitHub token',
          `GET /repos/${settings.githubRepo}: HTTP ${response.status}`,
          fix,
        );
      const repo = (await response.json()) as { full_name?: string; permissions?: { push?: boolean } };
      if (!repo.permissions?.push)
        return fail(
          'tokens',
          'GitHub token',
          `reaches ${repo.full_name} but may not write (permissions.push is false)`,
          fix,
        );
      return pass('tokens', 'GitHub token', `reaches ${repo.full_name} with write access`);
    },
  );
