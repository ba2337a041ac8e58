import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createImageSource } from '../../src/adapters/images';
import { LaunchError, ProvisionerConfigError } from '../../src/errors';

const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
const clients = {
  ec2: new EC2Client({ region: 'eu-north-1' }),
  ssm: new SSMClient({ region: 'eu-north-1' }),
};
const awsError = (name: string) => Object.assign(new Error(name), { name });

describe('the AMI source', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ssmMock.reset();
    ec2Mock.on(DescribeImagesCommand).callsFake((input: { ImageIds: string[] }) => ({
      Images: [{ ImageId: input.ImageIds[0], RootDeviceName: '/dev/xvda' }],
    }));
  });

  it('picks up a new bake from the SSM parameter once the cache has expired', async () => {
    // Prepare
    let now = 0;
    ssmMock
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'ami-0000000000000aaaa' } })
      .resolves({ Parameter: { Value: 'ami-0000000000000bbbb' } });
    const source = createImageSource(
      clients,
      { parameterName: '/branch-envs/test/ami-id', cacheSeconds: 60 },
      () => now,
    );

    // Act
    const first = await source.current();
    now = 59_000;
    const cached = await source.current();
    now = 60_000;
    const next = await source.current();

    // Assess
    expect([first.imageId, cached.imageId, next.imageId]).toEqual([
      'ami-0000000000000aaaa',
      'ami-0000000000000aaaa',
      'ami-0000000000000bbbb',
    ]);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(next.rootDeviceName).toBe('/dev/xvda');
  });

  it('says to bake an AMI or set AMI_ID when the parameter does not exist', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    const source = createImageSource(clients, {
      parameterName: '/branch-envs/test/ami-id',
      cacheSeconds: 60,
    });

    // Act + Assess
    await expect(source.current()).rejects.toThrow(ProvisionerConfigError);
    await expect(source.current()).rejects.toThrow('bake an AMI (ami/) or set AMI_ID');
  });

  it('refuses a parameter value that is not an AMI id', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'latest' } });
    const source = createImageSource(clients, { parameterName: '/p', cacheSeconds: 0 });

    // Act + Assess
    await expect(source.current()).rejects.toThrow('not an AMI id');
  });

  it('finds an AMI that does not exist before anything launches', async () => {
    // Prepare
    ec2Mock.on(DescribeImagesCommand).rejects(awsError('InvalidAMIID.NotFound'));
    const source = createImageSource(clients, { imageId: 'ami-0123456789abcdef0' });

    // Act + Assess
    await expect(source.current()).rejects.toBeInstanceOf(LaunchError);
  });

  it('describes a fixed AMI once', async () => {
    // Prepare
    const source = createImageSource(clients, { imageId: 'ami-0123456789abcdef0' });

    // Act
    await source.current();
    await source.current();

    // Assess
    expect(ec2Mock.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });
});
