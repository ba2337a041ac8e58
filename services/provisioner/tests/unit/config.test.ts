import path from 'node:path';
import { ConfigError } from '@branch-envs/shared/errors';
import { loadProvisionerConfig } from '../../src/config';
import { configEnv } from '../helpers/factories';

describe('provisioner config', () => {
  it('reads a minimal environment with the documented defaults', () => {
    // Act
    const config = loadProvisionerConfig(configEnv({ LAMBDA_TASK_ROOT: '/var/task' }));

    // Assess
    expect(config.image).toEqual({ parameterName: '/branch-envs/test/ami-id', cacheSeconds: 60 });
    expect(config.settings.launch).toEqual({
      instanceTypes: ['t3.medium', 't3a.medium'],
      subnetIds: [],
      capacity: 'on-demand',
    });
    expect(config.settings.pricing).toEqual({ table: null, rootVolumeGb: 30 });
    expect(config.settings.quota).toEqual({ maxLivePerUser: 3, maxLiveTotal: 20 });
    expect(config.settings.readiness).toMatchObject({
      appUrlTemplate: 'http://{privateIp}/',
      healthPath: '/health',
      expectedStatus: 200,
      probeIntervalSeconds: 5,
      bootTimeoutSeconds: 900,
      keepFailedInstances: false,
    });
    expect(config.cloudInitDir).toBe(path.resolve('/var/task/cloud-init'));
    expect(config.profileName).toBe('profiles/jvm-postgres');
    expect(config.artifactUrls).toEqual({ mode: 'presigned', expirySeconds: 3600 });
    expect(config.instance).toEqual({ rootVolumeGb: 30 });
  });

  it('hands out s3:// URIs when the instances have an instance profile', () => {
    // Act
    const config = loadProvisionerConfig(
      configEnv({ INSTANCE_PROFILE_ARN: 'arn:aws:iam::123456789012:instance-profile/branch-envs' }),
    );

    // Assess
    expect(config.artifactUrls).toEqual({ mode: 's3' });
    expect(config.instance.instanceProfileArn).toBe('arn:aws:iam::123456789012:instance-profile/branch-envs');
  });

  it('treats empty SUBNET_IDS, SECURITY_GROUP_ID and KEY_NAME as absent (the default VPC)', () => {
    // Act
    const config = loadProvisionerConfig(configEnv({ SUBNET_IDS: '', SECURITY_GROUP_ID: '', KEY_NAME: '' }));

    // Assess
    expect(config.settings.launch.subnetIds).toEqual([]);
    expect(config.instance).toEqual({ rootVolumeGb: 30 });
  });

  it('reads subnet lists, JSON settings and flags', () => {
    // Act
    const config = loadProvisionerConfig(
      configEnv({
        SUBNET_IDS: 'subnet-0aa, subnet-0bb',
        APP_ENV_JSON: '{"JAVA_OPTS":"-Xmx2g"}',
        APP_DATABASE_JSON: '{"name":"shop","owner":"shop"}',
        KEEP_FAILED_INSTANCES: 'true',
      }),
    );

    // Assess
    expect(config.settings.launch.subnetIds).toEqual(['subnet-0aa', 'subnet-0bb']);
    expect(config.settings.app.env).toEqual({ JAVA_OPTS: '-Xmx2g' });
    expect(config.settings.app.db).toEqual({ name: 'shop', owner: 'shop' });
    expect(config.settings.readiness.keepFailedInstances).toBe(true);
  });

  it.each([
    ['both AMI settings', { AMI_ID: 'ami-0123456789abcdef0' }, 'AMI_ID'],
    ['no AMI setting', { AMI_SSM_PARAMETER: undefined }, 'AMI_ID'],
    ['no artifacts', { ARTIFACTS_JSON: undefined }, 'Missing required environment variable ARTIFACTS_JSON'],
    ['artifacts that are not JSON', { ARTIFACTS_JSON: '[{' }, 'ARTIFACTS_JSON: is not valid JSON'],
    [
      'an unknown URL placeholder',
      { APP_URL_TEMPLATE: 'http://{dnsName}/' },
      'APP_URL_TEMPLATE: unknown placeholder {dnsName}',
    ],
    ['no instance type', { INSTANCE_TYPES: ' , ' }, 'INSTANCE_TYPES'],
    ['a probe interval over SQS maximum delay', { PROBE_INTERVAL_SECONDS: '901' }, 'PROBE_INTERVAL_SECONDS'],
  ])('fails at cold start, naming the variable, for %s', (_, overrides, expected) => {
    // Act + Assess
    expect(() => loadProvisionerConfig(configEnv(overrides))).toThrow(ConfigError);
    expect(() => loadProvisionerConfig(configEnv(overrides))).toThrow(expected);
  });
});
