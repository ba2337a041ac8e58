import { loadStageConfig } from '../../src/stageConfig/load';
import { paramsOf } from '../../src/stageConfig/params';
import type { StageConfig } from '../../src/stageConfig/schema';

const example = (): StageConfig => loadStageConfig('example');

describe('paramsOf', () => {
  it('gives the stacks that share a setting the same value from one field', () => {
    // Act
    const params = paramsOf(example(), 'prod');

    // Assess
    expect(params.slackIngress.adminUsers).toBe('U024BE7LH');
    expect(params.reaper.adminUsers).toBe(params.slackIngress.adminUsers);
    expect(params.notifier.githubRepo).toBe(params.branchResolver.githubRepo);
    expect(params.provisioner.appName).toBe(params.branchResolver.appName);
    expect(params.provisioner.artifactBucket).toBe('branch-envs-prod-artifacts');
    expect(params.branchResolver.artifactBucket).toBe(params.platform.artifactBucket);
  });

  it('checks every artifact in the resolver and downloads only those with a destination', () => {
    // Act
    const params = paramsOf(example(), 'prod');

    // Assess
    expect(String(params.branchResolver.artifactKeys).split(',')).toEqual([
      'build-artifacts/{app}-{branch}.jar',
      'build-artifacts/{app}-{branch}-config.edn',
      'build-artifacts/{app}-{branch}-pgdump.gz',
    ]);
    expect(JSON.parse(String(params.provisioner.artifactsJson))).toEqual([
      { name: 'jar', key: 'build-artifacts/{app}-{branch}.jar', dest: '/opt/branch-envs/app/app.jar' },
      {
        name: 'pgdump',
        key: 'build-artifacts/{app}-{branch}-pgdump.gz',
        dest: '/opt/branch-envs/db/pgdump.gz',
      },
    ]);
  });

  it("reads the baked AMI from the stage's SSM parameter unless an AMI id is pinned", () => {
    // Prepare
    const pinned = example();
    pinned.instances.amiId = 'ami-0123456789abcdef0';

    // Act
    const baked = paramsOf(example(), 'prod').provisioner;
    const fixed = paramsOf(pinned, 'prod').provisioner;

    // Assess
    expect(baked).toMatchObject({ amiId: '', amiSsmParameter: '/branch-envs/prod/ami-id' });
    expect(fixed).toMatchObject({ amiId: 'ami-0123456789abcdef0', amiSsmParameter: '' });
  });

  it('uses an existing bucket everywhere and creates none when the config names one', () => {
    // Prepare
    const config = example();
    config.artifacts.existingBucket = 'acme-build-output';

    // Act
    const params = paramsOf(config, 'prod');

    // Assess
    expect(params.platform).toMatchObject({
      createArtifactBucket: 'false',
      artifactBucket: 'acme-build-output',
    });
    expect(params.branchResolver.artifactBucket).toBe('acme-build-output');
    expect(params.provisioner.artifactBucket).toBe('acme-build-output');
  });

  it('lets instances choose how to fetch artifacts when access is auto', () => {
    // Act
    const params = paramsOf(example(), 'prod');

    // Assess: the provisioner picks s3 or presigned from whether it has an instance profile.
    expect(params.provisioner.artifactUrls).toBe('');
    expect(paramsOf(loadStageConfig('local'), 'local').provisioner.artifactUrls).toBe('s3');
  });
});
