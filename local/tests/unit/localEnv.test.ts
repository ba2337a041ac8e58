import { functionEnvironment, githubTarget, localModeOverrides } from '../../src/config/localEnv';
import type { LocalFunction } from '../../src/templates/runtimeBindings';

const fn: LocalFunction = {
  name: 'branch-envs-svc-local-fn',
  logicalId: 'FnLambdaFunction',
  stackName: 'branch-envs-svc-local',
  serviceDir: '/repo/services/svc',
  handlerFile: '/repo/services/svc/src/handlers/fn.ts',
  handlerExport: 'handler',
  timeoutSeconds: 6,
  memoryMb: 512,
  runtime: 'nodejs22.x',
  environment: { STAGE: 'local', SLACK_API_BASE: 'https://slack.com/api', AWS_REGION: 'us-east-1' },
};

describe('githubTarget', () => {
  it('uses the stand-in and the demo repository by default', () => {
    expect(githubTarget('http://127.0.0.1:9', {})).toEqual({
      apiUrl: 'http://127.0.0.1:9',
      owner: 'acme',
      repo: 'shop',
      real: false,
    });
  });

  it('uses the real API when a token and owner/name are configured', () => {
    // Act
    const target = githubTarget('http://127.0.0.1:9', { GITHUB_TOKEN: 'ghp_x', GITHUB_REPO: 'me/app' });

    // Assess
    expect(target).toEqual({
      apiUrl: 'https://api.github.com',
      owner: 'me',
      repo: 'app',
      token: 'ghp_x',
      real: true,
    });
  });
});

describe('functionEnvironment', () => {
  it('layers template values, local overrides and Lambda runtime variables, and nothing else from the shell', () => {
    // Prepare
    const overrides = localModeOverrides({
      slackCatcherUrl: 'http://127.0.0.1:1',
      simulatorUrl: 'http://127.0.0.1:2',
      github: githubTarget('http://127.0.0.1:3', {}),
      runCommandUrl: 'http://127.0.0.1:4',
    });

    // Act
    const env = functionEnvironment(fn, overrides, 'http://127.0.0.1:5', 'eu-north-1', {
      PATH: '/bin',
      SECRET_IN_SHELL: 'x',
    });

    // Assess
    expect(env).toMatchObject({
      PATH: '/bin',
      STAGE: 'local',
      SLACK_API_BASE: 'http://127.0.0.1:1/api',
      SLACK_HOOKS_ORIGIN: 'http://127.0.0.1:1',
      APP_URL_TEMPLATE: 'http://127.0.0.1:2/{instanceId}/',
      GITHUB_API_URL: 'http://127.0.0.1:3',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5',
      AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4',
      AWS_REGION: 'eu-north-1',
      AWS_LAMBDA_FUNCTION_NAME: 'branch-envs-svc-local-fn',
      LAMBDA_TASK_ROOT: '/repo/services/svc',
    });
    expect(env.SECRET_IN_SHELL).toBeUndefined();
  });
});
