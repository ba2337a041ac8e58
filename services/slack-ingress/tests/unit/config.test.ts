import { ConfigError } from '@branch-envs/shared/errors';
import { loadIngressConfig } from '../../src/config';
import { testEnv } from '../helpers/factories';

describe('loadIngressConfig', () => {
  it('reads the template environment', () => {
    // Act
    const config = loadIngressConfig(testEnv());

    // Assess
    expect(config).toMatchObject({
      eventBusName: 'branch-envs-test-bus',
      deploymentsTable: 'branch-envs-test-deployments',
      signingSecretParam: '/branch-envs/test/slack/signing-secret',
      slackHooksOrigin: 'https://hooks.slack.com',
      settings: {
        deployCommand: '/deploy',
        terminateCommand: '/terminate',
        defaultTtlSeconds: 14_400,
        maxTtlSeconds: 172_800,
      },
    });
    expect([...config.settings.policy.allowedUsers]).toEqual(['U0LOCAL1', 'U0LOCAL2']);
    expect([...config.settings.policy.adminUsers]).toEqual(['U0ADMIN1']);
  });

  it('falls back to the documented defaults', () => {
    // Prepare
    const env = {
      STAGE: 'dev',
      EVENT_BUS_NAME: 'bus',
      DEPLOYMENTS_TABLE: 'table',
      SIGNING_SECRET_PARAM: '/branch-envs/dev/slack/signing-secret',
    };

    // Act
    const config = loadIngressConfig(env);

    // Assess
    expect(config.settings).toMatchObject({
      deployCommand: '/deploy',
      terminateCommand: '/terminate',
      defaultTtlSeconds: 14_400,
      maxTtlSeconds: 172_800,
    });
    expect(config.settings.policy.allowedUsers.size).toBe(0);
    expect(config.slackApiBase).toBe('https://slack.com/api');
  });

  it('takes the command names from config, as the seed used /napotedeploy', () => {
    // Act
    const config = loadIngressConfig(
      testEnv({ DEPLOY_COMMAND: '/napotedeploy', TERMINATE_COMMAND: '/napoteterminate' }),
    );

    // Assess
    expect(config.settings.deployCommand).toBe('/napotedeploy');
    expect(config.settings.terminateCommand).toBe('/napoteterminate');
  });

  it('uses only the origin of SLACK_HOOKS_ORIGIN', () => {
    // Act + Assess
    expect(
      loadIngressConfig(testEnv({ SLACK_HOOKS_ORIGIN: 'http://127.0.0.1:4599/ignored' })).slackHooksOrigin,
    ).toBe('http://127.0.0.1:4599');
  });

  it.each([
    [{ EVENT_BUS_NAME: '' }, 'Missing required environment variable EVENT_BUS_NAME'],
    [{ ALLOWED_USERS: 'U0LOCAL1,maija' }, 'Invalid environment variable ALLOWED_USERS'],
    [{ DEFAULT_TTL: 'four hours' }, 'Invalid environment variable DEFAULT_TTL'],
    [{ MAX_TTL: '1h' }, 'Invalid environment variable MAX_TTL: must be at least DEFAULT_TTL'],
    [{ DEPLOY_COMMAND: 'deploy' }, 'Invalid environment variable DEPLOY_COMMAND'],
    [
      { ALLOWED_USER_GROUPS: 'S0GROUP1', BOT_TOKEN_PARAM: '' },
      'Missing required environment variable BOT_TOKEN_PARAM',
    ],
    [{ SLACK_HOOKS_ORIGIN: 'ftp://hooks' }, 'Invalid environment variable SLACK_HOOKS_ORIGIN'],
  ])('fails at cold start on %j, naming the variable', (overrides, message) => {
    // Act
    const act = () => loadIngressConfig(testEnv(overrides));

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });
});
