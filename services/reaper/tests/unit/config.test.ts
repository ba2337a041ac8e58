import { ConfigError } from '@branch-envs/shared/errors';
import { loadReaperConfig } from '../../src/config';

const required = {
  STAGE: 'dev',
  EVENT_BUS_NAME: 'branch-envs-dev-bus',
  DEPLOYMENTS_TABLE: 'branch-envs-dev-deployments',
  IDEMPOTENCY_TABLE: 'branch-envs-dev-idempotency',
};

describe('loadReaperConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = loadReaperConfig(required);

    // Assess
    expect(config.policy).toMatchObject({
      warnBeforeSeconds: 1800,
      maxLifetimeSeconds: 172_800,
      nightly: { hour: 19, minute: 0, timeZone: 'Europe/Helsinki' },
      nightlyMaxLatenessSeconds: 7200,
    });
    expect(config.terminateBatchSize).toBe(100);
    expect(config.policy.adminUsers.size).toBe(0);
  });

  it('reads admins, durations and the nightly time as serverless.yml writes them', () => {
    // Act
    const config = loadReaperConfig({
      ...required,
      ADMIN_USERS: 'U0ADMIN1, U0ADMIN2',
      WARN_BEFORE: '15m',
      NIGHTLY_TIME: '18:0',
      NIGHTLY_TIMEZONE: 'America/New_York',
    });

    // Assess
    expect([...config.policy.adminUsers]).toEqual(['U0ADMIN1', 'U0ADMIN2']);
    expect(config.policy.warnBeforeSeconds).toBe(900);
    expect(config.policy.nightly).toEqual({ hour: 18, minute: 0, timeZone: 'America/New_York' });
  });

  it('fails at cold start naming every bad variable', () => {
    // Act
    const act = () =>
      loadReaperConfig({
        ...required,
        NIGHTLY_TIMEZONE: 'Mars/Olympus',
        WARN_BEFORE: 'soon',
        ADMIN_USERS: 'bob',
      });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/NIGHTLY_TIMEZONE.*|WARN_BEFORE/);
    expect(act).toThrow(/ADMIN_USERS/);
  });

  it('names a missing required variable', () => {
    // Act + Assess
    expect(() => loadReaperConfig({ ...required, DEPLOYMENTS_TABLE: undefined })).toThrow(
      'Missing required environment variable DEPLOYMENTS_TABLE',
    );
  });
});
