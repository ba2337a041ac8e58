import { RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { motoEndpoint } from '../../../tests/helpers/aws';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import { type InstanceSimulator, startInstanceSimulator } from '../../src/standins/instanceSimulator';

let clients: AwsClients;
let simulator: InstanceSimulator;

beforeAll(async () => {
  clients = createAwsClients(motoEndpoint());
  simulator = await startInstanceSimulator({ ec2: clients.ec2, bootDelayMs: 500, pollIntervalMs: 100 });
});

afterAll(async () => {
  await simulator?.stop();
  clients?.destroy();
});

const launch = async (tags: { Key: string; Value: string }[]) => {
  const result = await clients.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
    }),
  );
  return result.Instances?.[0]?.InstanceId ?? '';
};

const health = async (id: string): Promise<number> => (await fetch(`${simulator.url}/${id}//health`)).status;

describe('instance simulator', () => {
  it('answers 503 while a managed instance boots and 200 once the boot delay has passed', async () => {
    // Prepare
    const id = await launch([
      { Key: 'ManagedBy', Value: 'branch-envs' },
      { Key: 'Branch', Value: 'demo-ready' },
    ]);
    await simulator.refresh();

    // Act
    const booting = await health(id);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const booted = await health(id);

    // Assess
    expect(booting).toBe(503);
    expect(booted).toBe(200);
  });

  it('answers 404 for unmanaged and terminated instances', async () => {
    // Prepare
    const unmanaged = await launch([{ Key: 'Name', Value: 'not ours' }]);
    const managed = await launch([{ Key: 'ManagedBy', Value: 'branch-envs' }]);
    await simulator.refresh();
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [managed] }));
    await simulator.refresh();

    // Act
    const statuses = [await health(unmanaged), await health(managed)];

    // Assess
    expect(statuses).toEqual([404, 404]);
  });
});
