import { ConfigError } from '@branch-envs/shared/errors';
import { loadResolverConfig } from '../../src/config';
import { ARTIFACT_KEYS, testEnv } from '../helpers/factories';

describe('loadResolverConfig', () => {
  it('reads the template environment', () => {
    // Act
    const config = loadResolverConfig(testEnv());

    // Assess
    expect(config).toMatchObject({
      stage: 'test',
      cacheTable: 'branch-envs-test-resolver-cache',
      maxReceiveCount: 5,
      github: {
        apiUrl: 'https://api.github.com',
        tokenParam: '/branch-envs/test/github/token',
        timeoutMs: 4000,
        retries: 1,
        listing: 'rest',
      },
      settings: {
        owner: 'acme',
        repo: 'shop',
        appName: 'shop',
        artifactBucket: 'branch-envs-test-artifacts',
        artifactKeyTemplates: ARTIFACT_KEYS,
        allowClosedPulls: false,
        allowBranchWithoutPull: false,
        maxRequestAgeSeconds: 900,
      },
    });
  });

  it('defaults the token parameter to the stage convention and trims a GHE base URL', () => {
    // Prepare
    const env = testEnv({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' });
    delete env.GITHUB_TOKEN_PARAM;

    // Act
    const config = loadResolverConfig(env);

    // Assess
    expect(config.github.apiUrl).toBe('https://ghe.example.com/api/v3');
    expect(config.github.tokenParam).toBe('/branch-envs/test/github/token');
  });

  it('reads the feature flags', () => {
    // Act
    const config = loadResolverConfig(testEnv({ ALLOW_CLOSED_PRS: 'true', ALLOW_BRANCH_WITHOUT_PR: 'true' }));

    // Assess
    expect(config.settings.allowClosedPulls).toBe(true);
    expect(config.settings.allowBranchWithoutPull).toBe(true);
  });

  it('fails at cold start naming a missing repository', () => {
    // Act + Assess
    expect(() => loadResolverConfig(testEnv({ GITHUB_OWNER: '' }))).toThrow(
      new ConfigError('Missing required environment variable GITHUB_OWNER'),
    );
  });

  it.each([
    ['ARTIFACT_KEYS', 'build-artifacts/{app}.jar', 'every key template must contain {branch}'],
    ['ARTIFACT_KEYS', 'build-artifacts/{branch}-{sha}.jar', 'the only placeholders are {app} and {branch}'],
    ['GITHUB_PR_LISTING', 'soap', 'GITHUB_PR_LISTING'],
    ['MAX_RECEIVE_COUNT', '0', 'MAX_RECEIVE_COUNT'],
    ['ALLOW_CLOSED_PRS', 'yes', 'ALLOW_CLOSED_PRS'],
    ['ARTIFACT_BUCKET', 'Not_A_Bucket', 'ARTIFACT_BUCKET'],
  ])('refuses %s=%s', (name, value, message) => {
    // Act + Assess
    expect(() => loadResolverConfig(testEnv({ [name]: value }))).toThrow(message);
  });

  it('needs APP_NAME only when a template uses {app}', () => {
    // Prepare
    const withApp = testEnv({ APP_NAME: '' });
    const withoutApp = testEnv({ APP_NAME: '', ARTIFACT_KEYS: 'builds/{branch}.jar' });

    // Act + Assess
    expect(() => loadResolverConfig(withApp)).toThrow('APP_NAME');
    expect(loadResolverConfig(withoutApp).settings.appName).toBe('');
  });
});
