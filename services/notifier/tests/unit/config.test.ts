import { ConfigError } from '@branch-envs/shared';
import { loadNotifierConfig } from '../../src/config';
import { testEnv } from '../helpers/factories';

describe('notifier config', () => {
  it('reads the template environment', () => {
    // Act
    const config = loadNotifierConfig(testEnv({ SLACK_API_BASE: 'http://127.0.0.1:4000/api/' }));

    // Assess
    expect(config).toMatchObject({
      notifierTable: 'branch-envs-test-notifier-messages',
      visibility: 'ephemeral',
      slackHooksOrigin: 'https://hooks.slack.com',
      slackApiBase: 'http://127.0.0.1:4000/api',
      github: { apiUrl: 'https://api.github.com', owner: 'acme', repo: 'shop' },
    });
  });

  it('names the missing variable at cold start', () => {
    // Act + Assess
    expect(() => loadNotifierConfig(testEnv({ NOTIFIER_TABLE: undefined }))).toThrow(
      new ConfigError('Missing required environment variable NOTIFIER_TABLE'),
    );
  });

  it('refuses a webhook URL outside hooks.slack.com', () => {
    // Act + Assess
    expect(() => loadNotifierConfig(testEnv({ SLACK_WEBHOOK_URL: 'https://example.com/hook' }))).toThrow(
      /SLACK_WEBHOOK_URL/,
    );
  });

  it('accepts the local Slack catcher as webhook when it is the configured hooks origin', () => {
    // Act
    const config = loadNotifierConfig(
      testEnv({
        SLACK_HOOKS_ORIGIN: 'http://127.0.0.1:4000',
        SLACK_WEBHOOK_URL: 'http://127.0.0.1:4000/webhook/local',
      }),
    );

    // Assess
    expect(config.webhookUrl).toBe('http://127.0.0.1:4000/webhook/local');
  });

  it('turns GitHub Deployments off when no repository is configured', () => {
    // Act
    const config = loadNotifierConfig(testEnv({ GITHUB_OWNER: '', GITHUB_REPO: '' }));

    // Assess
    expect(config.github).toBeUndefined();
  });

  it('refuses an unknown message visibility', () => {
    // Act + Assess
    expect(() => loadNotifierConfig(testEnv({ MESSAGE_VISIBILITY: 'public' }))).toThrow(/MESSAGE_VISIBILITY/);
  });
});
