/**
 * The notifier's GitHub Deployments calls, against GitHub's OpenAPI description: what it sends is a
 * documented request body, and what the local stand-in answers is the documented 201.
 */

import { type GithubStandIn, startGithubStandIn } from '../../../local/src/standins/githubStandIn';
import { GithubDeploymentsGateway } from '../../../services/notifier/src/adapters/githubGateway';
import type { GithubStatus } from '../../../services/notifier/src/domain/ports';
import { operationFor, requestBodyProblems, responseProblems } from './githubDescription';

interface Exchange {
  method: string;
  path: string;
  sent: unknown;
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

/** The real gateway, with a fetch that keeps a copy of every request and answer. */
const recordingGateway = () => {
  const exchanges: Exchange[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    exchanges.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      sent: JSON.parse(String(init?.body ?? 'null')),
      status: response.status,
      answer: await response.clone().json(),
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

const STATES: GithubStatus['state'][] = ['in_progress', 'success', 'failure', 'inactive'];

describe('the notifier’s GitHub Deployments calls, by GitHub’s OpenAPI description', () => {
  it('sends documented bodies and gets documented answers from the stand-in', async () => {
    // Prepare
    const { gateway, exchanges } = recordingGateway();

    // Act
    const id = await gateway.createDeployment({
      ref: 'feature/ABC-123-login-page',
      environment: 'preview/feature/ABC-123-login-page',
      description: 'branch-envs d-0001',
      deployId: 'd-0001',
    });
    for (const state of STATES) {
      await gateway.createStatus(id, {
        state,
        description: `now ${state}`,
        ...(state === 'success' ? { environmentUrl: 'http://10.0.0.12:8080/' } : {}),
      });
    }

    // Assess
    expect(exchanges.map((e) => `${e.method} ${e.status}`)).toEqual([
      'POST 201',
      ...STATES.map(() => 'POST 201'),
    ]);
    const problems = exchanges.flatMap((e) => {
      const operation = operationFor(e.method, e.path);
      if (!operation) return [`${e.method} ${e.path}: not in GitHub's description`];
      return [
        ...requestBodyProblems(operation, e.sent).map((p) => `sent to ${e.path}: ${p}`),
        ...responseProblems(operation, e.status, e.answer).map((p) => `answer of ${e.path}: ${p}`),
      ];
    });
    expect(problems).toEqual([]);
  });
});
