import {
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { OpsClients } from '../target';
import { type CheckResult, fail, guarded, info, pass } from './check';

const AMI_FIX = 'bake one (ami/README.md), or set the provisioner param amiId';

const imageCheck = async (clients: OpsClients, imageId: string, source: string): Promise<CheckResult> => {
  const images = await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  const image = images.Images?.[0];
  if (!image) return fail('ec2', `AMI ${imageId}`, `${source} names an image that does not exist`, AMI_FIX);
  if (image.State !== 'available')
    return fail('ec2', `AMI ${imageId}`, `${source}: image is ${image.State}`, AMI_FIX);
  return pass('ec2', `AMI ${imageId}`, `${source}: ${image.Name ?? 'unnamed'}, available`);
};

const parameterImageCheck = async (clients: OpsClients, parameter: string): Promise<CheckResult> => {
  try {
    const read = await clients.ssm.send(new GetParameterCommand({ Name: parameter }));
    const imageId = read.Parameter?.Value ?? '';
    if (!/^ami-[0-9a-f]+$/.test(imageId))
      return fail('ec2', `AMI ${parameter}`, 'does not hold an AMI id', AMI_FIX);
    return await imageCheck(clients, imageId, parameter);
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound')
      return fail('ec2', `AMI ${parameter}`, 'parameter missing', AMI_FIX);
    throw error;
  }
};

/** AMI_ID when the stage pins one, else the SSM parameter the bake writes; either way an available image. */
export const amiCheck = (clients: OpsClients, env: Record<string, string>): Promise<CheckResult[]> =>
  guarded('ec2', 'AMI', AMI_FIX, async () => {
    if (env.AMI_ID) return imageCheck(clients, env.AMI_ID, 'AMI_ID');
    if (env.AMI_SSM_PARAMETER) return parameterImageCheck(clients, env.AMI_SSM_PARAMETER);
    return fail('ec2', 'AMI', 'the provisioner has neither AMI_ID nor AMI_SSM_PARAMETER', AMI_FIX);
  });

const ids = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const subnetCheck = async (clients: OpsClients, subnets: string[], local: boolean): Promise<CheckResult> => {
  const fix = 'set the provisioner param subnetIds to subnets of this account and region';
  if (subnets.length === 0) {
    if (local)
      return info('ec2', 'subnets', 'none configured: instances go to the default VPC (moto has one)');
    const vpcs = await clients.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
    );
    return vpcs.Vpcs?.length
      ? info('ec2', 'subnets', `none configured: instances go to the default VPC ${vpcs.Vpcs[0]?.VpcId}`)
      : fail('ec2', 'subnets', 'none configured and the region has no default VPC', fix);
  }
  const found = await clients.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: subnets }] }),
  );
  const known = new Set((found.Subnets ?? []).map((s) => s.SubnetId));
  const missing = subnets.filter((s) => !known.has(s));
  return missing.length === 0
    ? pass('ec2', 'subnets', subnets.join(', '))
    : fail('ec2', 'subnets', `not found: ${missing.join(', ')}`, fix);
};

const groupCheck = async (clients: OpsClients, group: string | undefined): Promise<CheckResult> => {
  if (!group) return info('ec2', 'security group', 'none configured: the VPC default group applies');
  const found = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [group] }] }),
  );
  return found.SecurityGroups?.length
    ? pass('ec2', `security group ${group}`, found.SecurityGroups[0]?.GroupName)
    : fail(
        'ec2',
        `security group ${group}`,
        'not found',
        "set the provisioner param securityGroupId to a group of the subnets' VPC",
      );
};

export const networkChecks = async (clients: OpsClients, env: Record<string, string>, local: boolean) => [
  ...(await guarded('ec2', 'subnets', 'check the provisioner param subnetIds', () =>
    subnetCheck(clients, ids(env.SUBNET_IDS), local),
  )),
  ...(await guarded('ec2', 'security group', 'check the provisioner param securityGroupId', () =>
    groupCheck(clients, env.SECURITY_GROUP_ID),
  )),
];
