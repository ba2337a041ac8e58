import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { classifyRunError, createEc2Instances, runInstancesInput } from '../../src/adapters/ec2Instances';
import type { LaunchSpec } from '../../src/domain/ports';
import { CapacityError, LaunchError } from '../../src/errors';

const spec: LaunchSpec = {
  deployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S',
  imageId: 'ami-0123456789abcdef0',
  rootDeviceName: '/dev/xvda',
  userDataBase64: Buffer.from('#cloud-config\n').toString('base64'),
  tags: { ManagedBy: 'branch-envs', DeployId: '01KB0W8J6QF3ZC9D2M4N5P7R8S', Branch: 'feature/x' },
};
const settings = { securityGroupId: 'sg-0123', rootVolumeGb: 30 };
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('the RunInstances request', () => {
  it('requires IMDSv2, encrypts a gp3 root volume and tags the instance and the volume at launch', () => {
    // Act
    const input = runInstancesInput(
      spec,
      { instanceType: 't3.medium', market: 'on-demand' as const, subnetId: 'subnet-0a' },
      0,
      settings,
    );

    // Assess
    expect(input).toMatchObject({
      ImageId: spec.imageId,
      InstanceType: 't3.medium',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: spec.deployId,
      SubnetId: 'subnet-0a',
      SecurityGroupIds: ['sg-0123'],
      UserData: spec.userDataBase64,
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
        },
      ],
    });
    const tags = [
      { Key: 'ManagedBy', Value: 'branch-envs' },
      { Key: 'DeployId', Value: spec.deployId },
      { Key: 'Branch', Value: 'feature/x' },
    ];
    expect(input.TagSpecifications).toEqual([
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ]);
    expect(input).not.toHaveProperty('IamInstanceProfile');
    expect(input).not.toHaveProperty('KeyName');
  });

  it('asks for a one-time Spot instance that EC2 terminates on interruption, and on-demand without options', () => {
    // Act
    const spot = runInstancesInput(spec, { instanceType: 't3.medium', market: 'spot' }, 0, settings);
    const onDemand = runInstancesInput(spec, { instanceType: 't3.medium', market: 'on-demand' }, 1, settings);

    // Assess
    expect(spot.InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    });
    expect(spot.InstanceMarketOptions?.SpotOptions).not.toHaveProperty('MaxPrice');
    expect(onDemand).not.toHaveProperty('InstanceMarketOptions');
  });

  it('gives each fallback attempt its own client token, so EC2 does not see a mismatched retry', () => {
    // Act
    const tokens = [0, 1, 2].map(
      (i) =>
        runInstancesInput(spec, { instanceType: 't3.medium', market: 'on-demand' as const }, i, settings)
          .ClientToken,
    );

    // Assess
    expect(tokens).toEqual([spec.deployId, `${spec.deployId}-1`, `${spec.deployId}-2`]);
  });

  it('passes the instance profile, key pair and KMS key when configured, and omits the subnet for the default VPC', () => {
    // Act
    const input = runInstancesInput(spec, { instanceType: 't3.medium', market: 'on-demand' as const }, 0, {
      ...settings,
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/envs',
      keyName: 'ops',
      ebsKmsKeyId: 'alias/envs',
    });

    // Assess
    expect(input).toMatchObject({
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/envs' },
      KeyName: 'ops',
      BlockDeviceMappings: [{ Ebs: { KmsKeyId: 'alias/envs' } }],
    });
    expect(input).not.toHaveProperty('SubnetId');
  });
});

describe('RunInstances errors', () => {
  const attempt = { instanceType: 't3.medium', market: 'on-demand' as const, subnetId: 'subnet-0a' };

  it.each([
    'InsufficientInstanceCapacity',
    'InsufficientCapacity',
    'UnfulfillableCapacity',
    'SpotMaxPriceTooLow',
    'MaxSpotInstanceCountExceeded',
    'Unsupported',
  ])('treats %s as a capacity shortage', (code) => {
    // Act + Assess
    expect(classifyRunError(awsError(code), spec, attempt)).toBeInstanceOf(CapacityError);
  });

  it.each([
    ['InvalidAMIID.NotFound', 'AMI_SSM_PARAMETER'],
    ['InvalidAMIID.Malformed', 'AMI_ID'],
    ['UnauthorizedOperation', 'decode-authorization-message'],
    ['InvalidSubnetID.NotFound', 'fix SUBNET_IDS: subnet-0a'],
    ['InvalidGroup.NotFound', 'SECURITY_GROUP_ID'],
    ['InvalidKeyPair.NotFound', 'KEY_NAME'],
    ['VcpuLimitExceeded', 'Service Quotas'],
  ])('says what to fix for the permanent error %s', (code, fix) => {
    // Act
    const error = classifyRunError(awsError(code), spec, attempt);

    // Assess
    expect(error).toBeInstanceOf(LaunchError);
    expect(error).not.toBeInstanceOf(CapacityError);
    expect(error.ec2Code).toBe(code);
    expect(error.fix).toContain(fix);
  });

  it('names INSTANCE_PROFILE_ARN when EC2 says the instance profile is invalid', () => {
    // Act
    const error = classifyRunError(
      awsError('InvalidParameterValue', 'Value (x) for parameter iamInstanceProfile.arn is invalid'),
      spec,
      attempt,
    );

    // Assess
    expect(error.fix).toContain('INSTANCE_PROFILE_ARN');
  });
});

describe('the EC2 adapter', () => {
  const ec2Mock = mockClient(EC2Client);
  const client = new EC2Client({ region: 'eu-north-1' });
  const instances = createEc2Instances({ ec2: client, launch: client }, settings, {
    sleep: () => Promise.resolve(),
  });
  beforeEach(() => ec2Mock.reset());

  it('returns the launched instance with its AZ', async () => {
    // Prepare
    ec2Mock.on(RunInstancesCommand).resolves({
      Instances: [{ InstanceId: 'i-0abc123def4567890', Placement: { AvailabilityZone: 'eu-north-1b' } }],
    });

    // Act
    const launched = await instances.run(
      spec,
      { instanceType: 't3.medium', market: 'on-demand' as const, subnetId: 'subnet-0b' },
      1,
    );

    // Assess
    expect(launched).toEqual({
      instanceId: 'i-0abc123def4567890',
      instanceType: 't3.medium',
      market: 'on-demand',
      subnetId: 'subnet-0b',
      availabilityZone: 'eu-north-1b',
    });
  });

  it('turns a RunInstances failure into a LaunchError', async () => {
    // Prepare
    ec2Mock.on(RunInstancesCommand).rejects(awsError('InvalidAMIID.NotFound'));

    // Act + Assess
    await expect(
      instances.run(spec, { instanceType: 't3.medium', market: 'on-demand' as const }, 0),
    ).rejects.toBeInstanceOf(LaunchError);
  });

  it('reads an instance EC2 does not know yet as missing, and a running one with its addresses', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(awsError('InvalidInstanceID.NotFound'))
      .resolves({
        Reservations: [
          {
            Instances: [
              { State: { Name: 'running' }, PrivateIpAddress: '10.0.1.23', PublicIpAddress: '203.0.113.9' },
            ],
          },
        ],
      });

    // Act
    const first = await instances.describe('i-0abc123def4567890');
    const second = await instances.describe('i-0abc123def4567890');

    // Assess
    expect(first).toEqual({ state: 'missing' });
    expect(second).toEqual({ state: 'running', privateIp: '10.0.1.23', publicIp: '203.0.113.9' });
  });

  it('treats terminating an instance that is already gone as done', async () => {
    // Prepare
    ec2Mock.on(TerminateInstancesCommand).rejects(awsError('InvalidInstanceID.NotFound'));

    // Act + Assess
    await expect(instances.terminate('i-0abc123def4567890')).resolves.toBeUndefined();
  });

  it('duplicateInstances: after a reset RunInstances it adopts the instance tagged with the deployId instead of re-sending', async () => {
    // Prepare
    ec2Mock
      .on(RunInstancesCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0abc123def4567890', InstanceType: 't3.medium' }] }],
    });

    // Act
    const launched = await instances.run(
      spec,
      { instanceType: 't3.medium', market: 'on-demand' as const },
      0,
    );

    // Assess
    expect(launched.instanceId).toBe('i-0abc123def4567890');
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters).toContainEqual({
      Name: 'tag:DeployId',
      Values: [spec.deployId],
    });
  });

  it('re-sends a 5xx RunInstances with the same client token when nothing was launched', async () => {
    // Prepare
    ec2Mock
      .on(RunInstancesCommand)
      .rejectsOnce(Object.assign(awsError('InternalError'), { $metadata: { httpStatusCode: 500 } }))
      .resolves({ Instances: [{ InstanceId: 'i-0abc123def4567890' }] });
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    // Act
    const launched = await instances.run(
      spec,
      { instanceType: 't3.medium', market: 'on-demand' as const },
      0,
    );

    // Assess
    expect(launched.instanceId).toBe('i-0abc123def4567890');
    const tokens = ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual([spec.deployId, spec.deployId]);
  });

  it('re-sends a throttled RunInstances without looking for an instance, since EC2 refused it', async () => {
    // Prepare
    ec2Mock
      .on(RunInstancesCommand)
      .rejectsOnce(Object.assign(awsError('RequestLimitExceeded'), { $metadata: { httpStatusCode: 503 } }))
      .resolves({ Instances: [{ InstanceId: 'i-0abc123def4567890' }] });

    // Act
    await instances.run(spec, { instanceType: 't3.medium', market: 'on-demand' as const }, 0);

    // Assess
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });

  it('moves on at once when EC2 has no capacity, even though it answers that with a 500', async () => {
    // Prepare
    ec2Mock
      .on(RunInstancesCommand)
      .rejects(
        Object.assign(awsError('InsufficientInstanceCapacity'), { $metadata: { httpStatusCode: 500 } }),
      );

    // Act + Assess
    await expect(
      instances.run(spec, { instanceType: 't3.medium', market: 'on-demand' as const }, 0),
    ).rejects.toBeInstanceOf(CapacityError);
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it('gives up after its attempts with a LaunchError when every try was lost and nothing is found', async () => {
    // Prepare
    ec2Mock
      .on(RunInstancesCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    // Act + Assess
    await expect(
      instances.run(spec, { instanceType: 't3.medium', market: 'on-demand' as const }, 0),
    ).rejects.toBeInstanceOf(LaunchError);
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(6);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(6);
  });
});
