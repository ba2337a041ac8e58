/**
 * Issue 18, part 4: the notifier's calls that retire a `preview/<branch>` environment, against
 * GitHub's OpenAPI description. What it sends is documented (paths, query parameters), and what the
 * local stand-in answers is the documented 200 or 204, or GitHub's basic-error 403 without
 * Administration: write.
 */

import { type GithubStandIn, startGithubStandIn } from '../../../local/src/standins/githubStandIn';
import { GithubDeploymentsGateway } from '../../../services/notifier/src/adapters/githubGateway';
import { retireEnvironment } from '../../../services/notifier/src/domain/environments';
import {
  basicErrorProblems,
  operationFor,
  responseProblems,
  undeclaredQueryParameters,
} from './githubDescription';

interface Exchange {
  method: string;
  path: string;
  status: number;
  answer: unknown;
}

let github: GithubStandIn;

beforeAll(async () => {
  github = await startGithubStandIn();
});

afterAll(async () => {
  await github?.stop();
});

beforeEach(async () => {
  await fetch(`${github.url}/_reset`, { method: 'POST' });
  await fetch(`${github.url}/_permissions`, {
    method: 'POST',
    body: JSON.stringify({ administration: 'write' }),
  });
});

const recordingGateway = () => {
  const exchanges: Exchange[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    const text = await response.clone().text();
    exchanges.push({
      method: init?.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      status: response.status,
      answer: text === '' ? undefined : JSON.parse(text),
    });
    return response;
  };
  const gateway = new GithubDeploymentsGateway({
    settings: { apiUrl: github.url, owner: 'acme', repo: 'shop', tokenParam: '/unused' },
    token: async () => 'ghp_contract',
    fetch: recording,
  });
  return { gateway, exchanges };
};

const documentedProblems = (exchanges: Exchange[]): string[] =>
  exchanges.flatMap((e) => {
    const operation = operationFor(e.method, e.path);
    if (!operation) return [`${e.method} ${e.path}: not in GitHub's description`];
    return [
      ...undeclaredQueryParameters(operation, e.path).map((p) => `${e.path}: undeclared query ${p}`),
      ...responseProblems(operation, e.status, e.answer).map((p) => `answer of ${e.path}: ${p}`),
    ];
  });

const ENVIRONMENT = 'preview/feature/ABC-123-login-page';
const silent = { info: () => undefined };

const deployed = async (gateway: GithubDeploymentsGateway, state: 'success' | 'inactive') => {
  const id = await gateway.createDeployment({
    ref: 'feature/ABC-123-login-page',
    environment: ENVIRONMENT,
    description: 'branch-envs preview',
    deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
  });
  await gateway.createStatus(id, { state, description: `now ${state}` });
  return id;
};

describe('retiring a preview environment, by GitHub’s OpenAPI description', () => {
  it('deletes the environment once its deployments are inactive, with documented calls', async () => {
    // Prepare
    const { gateway, exchanges } = recordingGateway();
    const earlier = await deployed(gateway, 'inactive');
    const ended = await deployed(gateway, 'inactive');
    exchanges.length = 0;

    // Act
    const outcome = await retireEnvironment(ENVIRONMENT, ended, gateway, silent);

    // Assess
    expect(outcome).toBe('deleted');
    expect(exchanges.map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`)).toEqual([
      'GET /repos/acme/shop/deployments 200',
      `GET /repos/acme/shop/deployments/${earlier}/statuses 200`,
      'DELETE /repos/acme/shop/environments/preview%2Ffeature%2FABC-123-login-page 204',
    ]);
    expect(documentedProblems(exchanges)).toEqual([]);
    expect(
      (await fetch(`${github.url}/repos/acme/shop/environments/${encodeURIComponent(ENVIRONMENT)}`)).status,
    ).toBe(404);
  });

  it('keeps the environment while another deployment in it is active (a --fresh one)', async () => {
    // Prepare
    const { gateway, exchanges } = recordingGateway();
    await deployed(gateway, 'success');
    const ended = await deployed(gateway, 'inactive');

    // Act
    const outcome = await retireEnvironment(ENVIRONMENT, ended, gateway, silent);

    // Assess
    expect(outcome).toBe('in_use');
    expect(exchanges.some((e) => e.method === 'DELETE')).toBe(false);
    expect(
      (await fetch(`${github.url}/repos/acme/shop/environments/${encodeURIComponent(ENVIRONMENT)}`)).status,
    ).toBe(200);
  });

  it('leaves the environment and logs the permission when the token lacks Administration: write', async () => {
    // Prepare
    await fetch(`${github.url}/_permissions`, {
      method: 'POST',
      body: JSON.stringify({ administration: 'none' }),
    });
    const { gateway, exchanges } = recordingGateway();
    const ended = await deployed(gateway, 'inactive');
    const logged: string[] = [];

    // Act
    const outcome = await retireEnvironment(ENVIRONMENT, ended, gateway, {
      info: (m: string) => logged.push(m),
    });

    // Assess
    expect(outcome).toBe('not_permitted');
    const refused = exchanges.find((e) => e.method === 'DELETE');
    expect(refused?.status).toBe(403);
    expect(basicErrorProblems(refused?.answer)).toEqual([]);
    expect(logged).toEqual([expect.stringContaining('Administration: write')]);
  });
});
