import { GithubDeploymentsGateway } from '../../src/adapters/githubGateway';
import { GithubApiError } from '../../src/errors';

const settings = { apiUrl: 'https://api.github.com', owner: 'acme', repo: 'shop', tokenParam: '/p' };

/** A `fetch` that answers every call with one GitHub-shaped response. */
const answering = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    })) as typeof fetch;

const gateway = (fake: typeof fetch) =>
  new GithubDeploymentsGateway({ settings, token: async () => 'github_pat_x', fetch: fake });

const input = { ref: 'feature/x', environment: 'preview/feature/x', description: 'd', deployId: '01J' };

describe('the GitHub Deployments gateway with a token that lacks a permission', () => {
  it('says the token needs Deployments: write, from GitHub 403 "Resource not accessible by personal access token"', async () => {
    // Prepare: GitHub's answer to a fine-grained token without Deployments: write
    const fake = answering(
      403,
      {
        message: 'Resource not accessible by personal access token',
        documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
        status: '403',
      },
      { 'x-accepted-github-permissions': 'deployments=write' },
    );

    // Act
    const act = gateway(fake).createDeployment(input);

    // Assess
    await expect(act).rejects.toBeInstanceOf(GithubApiError);
    await expect(act).rejects.toMatchObject({
      status: 403,
      message:
        'GitHub create deployment failed (HTTP 403: Resource not accessible by personal access token; ' +
        'the token needs Deployments: write (this call accepts deployments=write))',
    });
  });

  it('says the repository is not visible to the token on GitHub 404', async () => {
    // Prepare
    const fake = answering(404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '404',
    });

    // Act
    const act = gateway(fake).createStatus(7, { state: 'success', description: 'ready' });

    // Assess
    await expect(act).rejects.toMatchObject({
      status: 404,
      message:
        'GitHub set deployment status success failed (HTTP 404: Not Found; the token cannot see the ' +
        'repository, or it needs Deployments: write there)',
    });
  });
});
