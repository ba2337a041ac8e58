import {
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput,
  type Tag,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type {
  InstanceObservation,
  Instances,
  LaunchAttempt,
  LaunchedInstance,
  LaunchSpec,
} from '../domain/ports';
import { CapacityError, LaunchError } from '../errors';
import { lookBeforeResend, type ResendPolicy } from './lookBeforeResend';

export interface InstanceSettings {
  securityGroupId?: string;
  instanceProfileArn?: string;
  keyName?: string;
  rootVolumeGb: number;
  ebsKmsKeyId?: string;
}

/**
 * EC2 answers these (docs: EC2 API error codes) when one type is short or not offered in one AZ, or
 * Spot cannot be had there: try the next choice. `SpotMaxPriceTooLow` cannot happen without a max
 * price (we set none: the on-demand price caps it) but is listed so a future max price falls back too.
 */
const CAPACITY_CODES = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'UnfulfillableCapacity',
  'SpotMaxPriceTooLow',
  'MaxSpotInstanceCountExceeded',
  'Unsupported',
]);

const errorCode = (error: unknown): string => (error instanceof Error ? error.name : 'UnknownError');

/**
 * What an operator should change for each permanent RunInstances error. EC2's own message says
 * what is wrong; this says where the setting lives.
 */
const fixFor = (code: string, message: string, spec: LaunchSpec, attempt: LaunchAttempt): string => {
  if (code.startsWith('InvalidAMIID.')) {
    return `make AMI_ID or the SSM parameter in AMI_SSM_PARAMETER name an available AMI in this region (${spec.imageId} is not); re-run the bake in ami/`;
  }
  if (code === 'UnauthorizedOperation') {
    return 'let the provisioner role run instances from this AMI in this subnet and security group with the ManagedBy tag, and pass the instance profile role (decode the details with `aws sts decode-authorization-message`)';
  }
  if (code.startsWith('InvalidSubnetID.'))
    return `fix SUBNET_IDS: ${attempt.subnetId ?? '(default VPC)'} is not usable`;
  if (code.startsWith('InvalidGroup.') || code.startsWith('InvalidSecurityGroupID.'))
    return 'fix SECURITY_GROUP_ID';
  if (code.startsWith('InvalidKeyPair.'))
    return 'fix KEY_NAME, or leave it empty (Session Manager needs no key pair)';
  if (/iamInstanceProfile/i.test(message)) return 'fix INSTANCE_PROFILE_ARN';
  if (code === 'InstanceLimitExceeded' || code === 'VcpuLimitExceeded') {
    return 'raise the account quota in Service Quotas, or lower MAX_LIVE_TOTAL';
  }
  if (code === 'InvalidBlockDeviceMapping') return 'check ROOT_VOLUME_GB against the AMI and EBS_KMS_KEY_ID';
  return 'check the launch settings in the provisioner config, or try again later if EC2 is having trouble';
};

/** Turns anything RunInstances throws into a {@link LaunchError}; capacity shortages become {@link CapacityError}. */
export const classifyRunError = (error: unknown, spec: LaunchSpec, attempt: LaunchAttempt): LaunchError => {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (CAPACITY_CODES.has(code)) return new CapacityError(code, message, { cause: error });
  return new LaunchError(code, message, fixFor(code, message, spec, attempt), { cause: error });
};

const asTags = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * A one-time Spot request that EC2 ends by terminating: a branch environment is rebuilt from its
 * build, never resumed, so stop or hibernate would only keep paying for the volume. No max price:
 * EC2 then caps the Spot price at the on-demand one.
 */
const SPOT_MARKET_OPTIONS: NonNullable<RunInstancesCommandInput['InstanceMarketOptions']> = {
  MarketType: 'spot',
  SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
};

/** The RunInstances request of one attempt; exported so tests can check its shape without EC2. */
export const runInstancesInput = (
  spec: LaunchSpec,
  attempt: LaunchAttempt,
  attemptIndex: number,
  settings: InstanceSettings,
): RunInstancesCommandInput => ({
  ImageId: spec.imageId,
  InstanceType: attempt.instanceType as RunInstancesCommandInput['InstanceType'],
  MinCount: 1,
  MaxCount: 1,
  // One token per attempt: EC2 refuses a reused token with other parameters (IdempotentParameterMismatch),
  // while the SDK's retries of one attempt keep its token and so never launch twice.
  ClientToken: attemptIndex === 0 ? spec.deployId : `${spec.deployId}-${attemptIndex}`,
  ...(attempt.subnetId ? { SubnetId: attempt.subnetId } : {}),
  ...(settings.securityGroupId ? { SecurityGroupIds: [settings.securityGroupId] } : {}),
  ...(settings.instanceProfileArn ? { IamInstanceProfile: { Arn: settings.instanceProfileArn } } : {}),
  ...(settings.keyName ? { KeyName: settings.keyName } : {}),
  UserData: spec.userDataBase64,
  ...(attempt.market === 'spot' ? { InstanceMarketOptions: SPOT_MARKET_OPTIONS } : {}),
  MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
  BlockDeviceMappings: [
    {
      DeviceName: spec.rootDeviceName,
      Ebs: {
        VolumeSize: settings.rootVolumeGb,
        VolumeType: 'gp3',
        Encrypted: true,
        ...(settings.ebsKmsKeyId ? { KmsKeyId: settings.ebsKmsKeyId } : {}),
        DeleteOnTermination: true,
      },
    },
  ],
  TagSpecifications: [
    { ResourceType: 'instance', Tags: asTags(spec.tags) },
    { ResourceType: 'volume', Tags: asTags(spec.tags) },
  ],
});

const OBSERVABLE_STATES = new Set([
  'pending',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
]);

export interface LaunchClients {
  /** Everything but RunInstances: the SDK's standard retries with backoff. */
  ec2: EC2Client;
  /** RunInstances only, built with `maxAttempts: 1`: this adapter decides every re-send (ADR 0018). */
  launch: EC2Client;
}

const launchedInstance = (out: RunInstancesCommandOutput, attempt: LaunchAttempt): LaunchedInstance => {
  const instance = out.Instances?.[0];
  if (!instance?.InstanceId)
    throw new LaunchError('NoInstance', 'RunInstances returned no instance', 'try again');
  return {
    instanceId: instance.InstanceId,
    instanceType: attempt.instanceType,
    market: attempt.market,
    ...(attempt.subnetId ? { subnetId: attempt.subnetId } : {}),
    ...(instance.Placement?.AvailabilityZone
      ? { availabilityZone: instance.Placement.AvailabilityZone }
      : {}),
  };
};

/**
 * The EC2 side of a deployment. RunInstances is never re-sent blindly (issue 17's duplicateInstances):
 * after an answer that may hide a launch (a 5xx, a timeout, a reset), the instance tagged with the
 * deployId is looked up and adopted before another try. Real EC2 would also answer a re-send with
 * the same ClientToken with the first launch; moto ignores the token, and the lookup covers both.
 * Throttling (`RequestLimitExceeded`) was refused, so it is simply re-sent after a full-jitter backoff.
 */
export const createEc2Instances = (
  clients: LaunchClients,
  settings: InstanceSettings,
  resend: ResendPolicy = {},
): Instances => {
  const { ec2 } = clients;
  const instances: Instances = {
    async run(spec, attempt, attemptIndex) {
      const input = runInstancesInput(spec, attempt, attemptIndex, settings);
      try {
        return await lookBeforeResend(
          async () => launchedInstance(await clients.launch.send(new RunInstancesCommand(input)), attempt),
          () => instances.launchedFor(spec.deployId),
          { ...resend, isFinal: (e) => CAPACITY_CODES.has(errorCode(e)) },
        );
      } catch (error) {
        throw error instanceof LaunchError ? error : classifyRunError(error, spec, attempt);
      }
    },

    async terminate(instanceId) {
      try {
        await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
      } catch (error) {
        if (errorCode(error) !== 'InvalidInstanceID.NotFound') throw error;
      }
    },

    async launchedFor(deployId) {
      const out = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:DeployId', Values: [deployId] },
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
        }),
      );
      const instance = out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
      if (!instance?.InstanceId) return undefined;
      return {
        instanceId: instance.InstanceId,
        instanceType: instance.InstanceType ?? 'unknown',
        market: instance.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
        ...(instance.SubnetId ? { subnetId: instance.SubnetId } : {}),
        ...(instance.Placement?.AvailabilityZone
          ? { availabilityZone: instance.Placement.AvailabilityZone }
          : {}),
      };
    },

    async describe(instanceId): Promise<InstanceObservation> {
      try {
        const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
        const instance = out.Reservations?.[0]?.Instances?.[0];
        const state = instance?.State?.Name;
        if (!instance || !state || !OBSERVABLE_STATES.has(state)) return { state: 'missing' };
        return {
          state: state as Exclude<InstanceObservation['state'], 'missing'>,
          ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}),
          ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}),
        };
      } catch (error) {
        // Right after RunInstances, EC2's eventual consistency may not know the id yet.
        if (errorCode(error) === 'InvalidInstanceID.NotFound') return { state: 'missing' };
        throw error;
      }
    },
  };
  return instances;
};
