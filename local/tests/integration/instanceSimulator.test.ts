import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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

const launch = async (tags: { Key: string; Value: string }[], userData?: string) => {
  const result = await clients.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
      ...(userData ? { UserData: Buffer.from(userData).toString('base64') } : {}),
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

/** A phone-home route that records what reaches it and answers 503 `failFirst` times, then 200. */
const phoneHomeRoute = async (failFirst = 0) => {
  const heard: { headers: IncomingHttpHeaders; body: string; path: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      heard.push({ headers: request.headers, body, path: request.url ?? '' });
      response.writeHead(heard.length <= failFirst ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { heard, url: `http://127.0.0.1:${port}/phone-home`, close: () => server.close() };
};

/** A cloud-config like the provisioner's: deploy.json with (or without) a phone-home. */
const cloudConfig = (document: Record<string, unknown>): string =>
  [
    '#cloud-config',
    'write_files:',
    '  - path: /etc/branch-envs/deploy.json',
    "    permissions: '0600'",
    `    content: ${JSON.stringify(JSON.stringify(document))}`,
  ].join('\n');

const until = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
};

describe('instance simulator phone-home', () => {
  const token = 'q3Jm0x5vF2kZ8pL1sR7tW9yB4nC6dE0gH2jK4mN6pQ8';

  it('reports ready once, as bootstrap.sh does, with the token from the user data', async () => {
    // Prepare
    const route = await phoneHomeRoute(1);
    const deployId = '01JD5Z4QWJ3K8T6M2N9P0R7S1V';
    const id = await launch(
      [{ Key: 'ManagedBy', Value: 'branch-envs' }],
      cloudConfig({ deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: token }),
    );

    // Act
    await until(() => route.heard.length >= 2);
    await new Promise((r) => setTimeout(r, 500));

    // Assess
    route.close();
    expect(route.heard).toHaveLength(2);
    expect(route.heard[1]?.path).toBe(`/phone-home/${deployId}`);
    expect(route.heard[1]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(JSON.parse(route.heard[1]?.body ?? '{}')).toEqual({
      deployId,
      instanceId: id,
      status: 'ready',
      step: 'start-app',
    });
  });

  it('stays silent when the user data has no phone-home, or phone-home is switched off', async () => {
    // Prepare
    const route = await phoneHomeRoute();
    const silent = await startInstanceSimulator({
      ec2: clients.ec2,
      bootDelayMs: 100,
      pollIntervalMs: 100,
      phoneHome: false,
    });
    const deployId = '01JD5Z4QWJ3K8T6M2N9P0R7S1W';
    await launch([{ Key: 'ManagedBy', Value: 'branch-envs' }], cloudConfig({ deployId, phoneHomeUrl: null }));
    await launch(
      [{ Key: 'ManagedBy', Value: 'branch-envs' }],
      cloudConfig({ deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: token }),
    );

    // Act
    await new Promise((r) => setTimeout(r, 1500));

    // Assess: the shared simulator heard only the first instance (no phone-home); the silent one nothing
    await silent.stop();
    route.close();
    expect(route.heard.filter((h) => h.path.endsWith(deployId))).toHaveLength(1);
  });
});
