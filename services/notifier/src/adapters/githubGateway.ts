import * as z from 'zod';
import type { GithubSettings } from '../config';
import type { GithubGateway, GithubStatus } from '../domain/ports';
import { GithubApiError } from '../errors';

export interface GithubGatewayOptions {
  /** Undefined when owner or repository is not configured. */
  settings: GithubSettings | undefined;
  token(): Promise<string | undefined>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const Created = z.object({ id: z.number().int().positive() });
const Listed = z.array(z.object({ id: z.number().int().positive() }).loose());
const Statuses = z.array(z.object({ state: z.string() }).loose());

/**
 * GitHub Deployments over plain `fetch` (a handful of endpoints; Octokit would add ~100 KB and an ESM-only
 * dependency for them). Tests and the local stack inject `apiUrl`, as Octokit's `baseUrl` would be.
 * Every failure is a {@link GithubApiError}; the caller logs it and carries on.
 */
export class GithubDeploymentsGateway implements GithubGateway {
  private readonly send: typeof fetch;

  public constructor(private readonly options: GithubGatewayOptions) {
    this.send = options.fetch ?? fetch;
  }

  public async enabled(): Promise<boolean> {
    return this.options.settings !== undefined && (await this.options.token()) !== undefined;
  }

  public async createDeployment(input: {
    ref: string;
    environment: string;
    description: string;
    deployId: string;
  }): Promise<number> {
    const created = await this.call('POST', 'create deployment', '/deployments', {
      ref: input.ref,
      environment: input.environment,
      description: input.description,
      task: 'deploy',
      auto_merge: false,
      required_contexts: [],
      transient_environment: true,
      production_environment: false,
      payload: { deployId: input.deployId },
    });
    const parsed = Created.safeParse(created);
    if (!parsed.success) throw new GithubApiError('create deployment (answer without id)', 201);
    return parsed.data.id;
  }

  public async createStatus(deploymentId: number, status: GithubStatus): Promise<void> {
    await this.call(
      'POST',
      `set deployment status ${status.state}`,
      `/deployments/${deploymentId}/statuses`,
      {
        state: status.state,
        description: status.description,
        ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
      },
    );
  }

  public async deploymentsIn(environment: string): Promise<number[]> {
    const query = new URLSearchParams({ environment, per_page: '100' });
    const listed = Listed.safeParse(await this.call('GET', 'list deployments', `/deployments?${query}`));
    if (!listed.success) throw new GithubApiError('list deployments (unexpected answer)', 200);
    return listed.data.map((d) => d.id);
  }

  public async latestState(deploymentId: number): Promise<string | undefined> {
    const path = `/deployments/${deploymentId}/statuses?per_page=1`;
    const statuses = Statuses.safeParse(await this.call('GET', 'list deployment statuses', path));
    if (!statuses.success) throw new GithubApiError('list deployment statuses (unexpected answer)', 200);
    return statuses.data[0]?.state;
  }

  /** `not_permitted` on GitHub's 403: the token lacks Administration: write (README). */
  public async deleteEnvironment(environment: string): Promise<'deleted' | 'gone' | 'not_permitted'> {
    try {
      await this.call('DELETE', 'delete environment', `/environments/${encodeURIComponent(environment)}`);
      return 'deleted';
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 404) return 'gone';
      if (error instanceof GithubApiError && error.status === 403) return 'not_permitted';
      throw error;
    }
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', action: string, path: string, body?: unknown) {
    const { settings } = this.options;
    const token = await this.options.token();
    if (!settings || !token) throw new GithubApiError(`${action} (not configured)`, undefined);
    const repo = `${encodeURIComponent(settings.owner)}/${encodeURIComponent(settings.repo)}`;
    let response: Response;
    try {
      response = await this.send(`${settings.apiUrl}/repos/${repo}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          'user-agent': 'branch-envs-notifier',
          'x-github-api-version': '2022-11-28',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new GithubApiError(action, undefined, { cause: error });
    }
    if (!response.ok) throw await refusal(action, response);
    return response.status === 204 ? undefined : (response.json() as Promise<unknown>);
  }
}

/**
 * GitHub's own words for a refusal: its `message` ("Resource not accessible by personal access
 * token", "Not Found") and, on a 403, the permission the endpoint accepts
 * (`X-Accepted-GitHub-Permissions`). The notifier needs Deployments: write, and Administration:
 * write to delete `preview/<branch>` environments (optional: without it they are left, and logged).
 */
const refusal = async (action: string, response: Response): Promise<GithubApiError> => {
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  const said = typeof body?.message === 'string' ? body.message : undefined;
  const accepted = response.headers.get('x-accepted-github-permissions');
  const hint =
    response.status === 403 && accepted
      ? `the token needs ${accepted.startsWith('administration') ? 'Administration' : 'Deployments'}: write (this call accepts ${accepted})`
      : response.status === 404
        ? 'the token cannot see the repository, or it needs Deployments: write there'
        : undefined;
  return new GithubApiError(action, response.status, { detail: [said, hint].filter(Boolean).join('; ') });
};
