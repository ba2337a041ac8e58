import { isRecord } from '../templates/cfnTypes';
import { type DemoRepository, shaOf } from './githubDemo';
import { userJson } from './githubRest';

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Deployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  transient_environment: boolean;
  production_environment: boolean;
  created_at: string;
  updated_at: string;
}

interface DeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  environment_url: string;
  log_url: string;
  target_url: string;
  created_at: string;
  updated_at: string;
}

const stringOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** A deployment as GitHub stores it, from a validated create request. */
const newDeployment = (
  id: number,
  sha: string,
  body: Record<string, unknown> & { ref: string },
): Deployment => {
  const now = new Date().toISOString();
  const environment = stringOr(body.environment, 'production');
  return {
    id,
    sha,
    ref: body.ref,
    task: stringOr(body.task, 'deploy'),
    environment,
    description: typeof body.description === 'string' ? body.description : null,
    payload: body.payload ?? {},
    transient_environment: body.transient_environment === true,
    production_environment:
      typeof body.production_environment === 'boolean'
        ? body.production_environment
        : environment === 'production',
    created_at: now,
    updated_at: now,
  };
};

const STATES = new Set(['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']);

const notFound: ApiAnswer = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};
const invalid = (message: string): ApiAnswer => ({
  status: 422,
  body: { message, documentation_url: 'https://docs.github.com/rest' },
});

const text = (body: Record<string, unknown>, key: string): string =>
  typeof body[key] === 'string' ? (body[key] as string) : '';

/** GitHub Deployments and their statuses, kept in memory, for the notifier. */
export class DeploymentStore {
  private readonly deployments: Deployment[] = [];
  private readonly statuses = new Map<number, DeploymentStatus[]>();
  /** Environments exist once a deployment names them, as on GitHub, until they are deleted. */
  private readonly environments = new Set<string>();
  /** false: the token lacks Administration: write, and DELETE environments answers GitHub's 403. */
  public environmentAdmin = true;
  private nextId = 1000;
  private readonly base: string;
  /** Commits a deployment may name: the branch heads, and every commit pushed since (`push`). */
  private readonly commits: Set<string>;

  public constructor(private readonly demo: DemoRepository) {
    this.base = `https://api.github.com/repos/${demo.owner}/${demo.repo}/deployments`;
    this.commits = new Set(demo.branches.map((b) => b.sha));
  }

  /** A push: the branch's head moves to `sha`, and the older commits stay deployable, as on GitHub. */
  public push(branch: string, sha: string): boolean {
    const head = this.demo.branches.find((b) => b.name === branch);
    if (!head || !/^[0-9a-f]{40}$/.test(sha)) return false;
    head.sha = sha;
    this.commits.add(sha);
    return true;
  }

  public create(body: unknown): ApiAnswer {
    if (!isRecord(body) || typeof body.ref !== 'string')
      return invalid('Invalid request. "ref" wasn\'t supplied.');
    const ref = body.ref;
    const sha = shaOf(this.demo, ref) ?? (this.commits.has(ref) ? ref : undefined);
    if (!sha) return invalid(`No ref found for: ${ref}`);
    const deployment = newDeployment(this.nextId++, sha, { ...body, ref });
    this.deployments.unshift(deployment);
    this.environments.add(deployment.environment);
    return { status: 201, body: this.deploymentJson(deployment) };
  }

  public list(params: URLSearchParams): ApiAnswer {
    const filters = ['ref', 'sha', 'task', 'environment'] as const;
    const found = this.deployments.filter((d) =>
      filters.every((key) => !params.has(key) || d[key] === params.get(key)),
    );
    return { status: 200, body: found.map((d) => this.deploymentJson(d)) };
  }

  public get(id: number): ApiAnswer {
    const deployment = this.deployments.find((d) => d.id === id);
    return deployment ? { status: 200, body: this.deploymentJson(deployment) } : notFound;
  }

  public addStatus(id: number, body: unknown): ApiAnswer {
    const deployment = this.deployments.find((d) => d.id === id);
    if (!deployment) return notFound;
    if (!isRecord(body) || typeof body.state !== 'string' || !STATES.has(body.state)) {
      return invalid('Invalid request. "state" is not a valid deployment state.');
    }
    const now = new Date().toISOString();
    const status: DeploymentStatus = {
      id: this.nextId++,
      state: body.state,
      description: text(body, 'description'),
      environment: text(body, 'environment') || deployment.environment,
      environment_url: text(body, 'environment_url'),
      log_url: text(body, 'log_url'),
      target_url: text(body, 'target_url') || text(body, 'log_url'),
      created_at: now,
      updated_at: now,
    };
    this.statuses.set(id, [status, ...(this.statuses.get(id) ?? [])]);
    return { status: 201, body: this.statusJson(id, status) };
  }

  public listStatuses(id: number): ApiAnswer {
    if (!this.deployments.some((d) => d.id === id)) return notFound;
    return { status: 200, body: (this.statuses.get(id) ?? []).map((s) => this.statusJson(id, s)) };
  }

  public getEnvironment(name: string): ApiAnswer {
    if (!this.environments.has(name)) return notFound;
    return {
      status: 200,
      body: {
        id: 1,
        node_id: 'EN_local',
        name,
        url: `${this.base.replace(/deployments$/, 'environments')}/${encodeURIComponent(name)}`,
      },
    };
  }

  /** DELETE /repos/{owner}/{repo}/environments/{name}: 204, or GitHub's 403 without Administration: write. */
  public deleteEnvironment(name: string): ApiAnswer {
    if (!this.environmentAdmin) {
      return {
        status: 403,
        body: {
          message: 'Resource not accessible by personal access token',
          documentation_url: 'https://docs.github.com/rest/deployments/environments#delete-an-environment',
          status: '403',
        },
        headers: { 'x-accepted-github-permissions': 'administration=write' },
      };
    }
    if (!this.environments.delete(name)) return notFound;
    return { status: 204, body: undefined };
  }

  private deploymentJson(d: Deployment) {
    return {
      url: `${this.base}/${d.id}`,
      node_id: `DE_local${d.id}`,
      ...d,
      creator: userJson('branch-envs-bot'),
      statuses_url: `${this.base}/${d.id}/statuses`,
      repository_url: `https://api.github.com/repos/${this.demo.owner}/${this.demo.repo}`,
    };
  }

  private statusJson(deploymentId: number, s: DeploymentStatus) {
    return {
      url: `${this.base}/${deploymentId}/statuses/${s.id}`,
      node_id: `DES_local${s.id}`,
      ...s,
      creator: userJson('branch-envs-bot'),
      deployment_url: `${this.base}/${deploymentId}`,
      repository_url: `https://api.github.com/repos/${this.demo.owner}/${this.demo.repo}`,
    };
  }
}
