import { LOCAL_SECRETS } from '../../../local/src/config/localEnv';
import type { TestStack } from './localStack';

/**
 * GitHub's deployments of `environment`, newest first, each with its newest status, as the local
 * GitHub stand-in's REST API answers them (the same calls as GitHub's).
 */
export const githubDeployments = async (t: TestStack, environment: string) => {
  const api = `${t.stack.endpoints.githubUrl}/repos/acme/shop`;
  const headers = {
    authorization: `Bearer ${LOCAL_SECRETS.githubToken.value}`,
    accept: 'application/vnd.github+json',
  };
  const list = (await (
    await fetch(`${api}/deployments?environment=${encodeURIComponent(environment)}`, { headers })
  ).json()) as { id: number; sha: string }[];
  return Promise.all(
    list.map(async (d) => {
      const statuses = (await (await fetch(`${api}/deployments/${d.id}/statuses`, { headers })).json()) as {
        state: string;
      }[];
      return { sha: d.sha, state: statuses[0]?.state };
    }),
  );
};
