import { EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { motoConfig, uniqueName } from '../../../../tests/helpers/aws';
import { createEc2Instances, type InstanceSettings } from '../../src/adapters/ec2Instances';

/**
 * `launchedFor` finds the instance an interrupted launch left behind (issue 17's chaos run: a
 * provisioner killed between RunInstances and the record update) by its DeployId tag, in moto's EC2.
 */
const ec2 = new EC2Client(motoConfig());
const instances = createEc2Instances({ ec2, launch: ec2 }, {} as InstanceSettings);
afterAll(() => ec2.destroy());

const runTagged = async (deployId: string): Promise<string> => {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-03cf127a',
      InstanceType: 't3.medium',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'DeployId', Value: deployId }] }],
    }),
  );
  return out.Instances?.[0]?.InstanceId ?? '';
};

test('finds the live instance tagged with the deployId, and only that one', async () => {
  const deployId = uniqueName('deploy');
  const instanceId = await runTagged(deployId);
  await runTagged(uniqueName('other'));

  await expect(instances.launchedFor(deployId)).resolves.toMatchObject({
    instanceId,
    instanceType: 't3.medium',
  });
  await expect(instances.launchedFor(uniqueName('none'))).resolves.toBeUndefined();
});

test('a terminated instance is not adopted', async () => {
  const deployId = uniqueName('deploy');
  const instanceId = await runTagged(deployId);
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));

  await expect(instances.launchedFor(deployId)).resolves.toBeUndefined();
});
