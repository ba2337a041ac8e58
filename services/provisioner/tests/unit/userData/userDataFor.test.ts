import { expectedKey, matchArtifacts, userDataInputFor } from '../../../src/domain/userData/userDataFor';
import { ProvisionerConfigError } from '../../../src/errors';
import { appSettings, artifactsFor, BUCKET, resolvedDetail } from '../../helpers/factories';

describe('user data input for a resolved branch', () => {
  it('pairs each artifact the profile needs with the key the resolver found, and links it', async () => {
    // Prepare
    const { data } = resolvedDetail({ data: { branch: 'feature/login' } });
    const links = { linkFor: async (bucket: string, key: string) => `s3://${bucket}/${key}` };

    // Act
    const input = await userDataInputFor(data, appSettings(), links);

    // Assess
    expect(input.artifacts).toEqual([
      {
        name: 'jar',
        url: `s3://${BUCKET}/build-artifacts/shop-feature/login.jar`,
        dest: '/opt/branch-envs/app/app.jar',
      },
      {
        name: 'pgdump',
        url: `s3://${BUCKET}/build-artifacts/shop-feature/login-pgdump.gz`,
        dest: '/opt/branch-envs/db/pgdump.gz',
      },
    ]);
    expect(input).toMatchObject({
      branch: 'feature/login',
      query: data.query,
      ownerName: data.owner.userName,
      appPort: 8080,
    });
  });

  it('keeps replacement patterns in a branch name as they are', () => {
    // Act + Assess
    expect(expectedKey({ name: 'jar', key: 'a/{app}-{branch}.jar', dest: '/x' }, 'shop', "fix/$&-$'")).toBe(
      "a/shop-fix/$&-$'.jar",
    );
  });

  it('fails with a config error naming ARTIFACTS_JSON when an expected key is missing', () => {
    // Prepare
    const { data } = resolvedDetail({ data: { artifacts: artifactsFor('feature/other') } });

    // Act + Assess
    expect(() => matchArtifacts(data, appSettings())).toThrow(ProvisionerConfigError);
    expect(() => matchArtifacts(data, appSettings())).toThrow('ARTIFACTS_JSON');
  });

  it('refuses a bucket other than the one the provisioner may read', () => {
    // Prepare
    const { data } = resolvedDetail({ data: { artifactBucket: 'someone-elses-bucket' } });

    // Act + Assess
    expect(() => matchArtifacts(data, appSettings())).toThrow('ARTIFACT_BUCKET');
  });
});
