import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { motoEndpoint, uniqueName } from '../../../tests/helpers/aws';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import { motoClientConfig } from '../../src/aws/moto';
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

const TOKEN = 'q3Jm0x5vF2kZ8pL1sR7tW9yB4nC6dE0gH2jK4mN6pQ8';

describe('instance simulator phone-home', () => {
  const token = TOKEN;

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

/** Like `until`, but fails the test when the condition never holds. */
const waitFor = async (what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> => {
  await until(check, timeoutMs);
  if (!check()) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
};

describe('instance simulator app secrets', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const put = (name: string, value: string) =>
    clients.ssm.send(
      new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
    );
  let withSsm: InstanceSimulator;
  const printed: string[] = [];

  beforeAll(async () => {
    withSsm = await startInstanceSimulator({
      ec2: clients.ec2,
      ssm: clients.ssm,
      bootDelayMs: 100,
      pollIntervalMs: 100,
      print: (text) => printed.push(text),
    });
  });
  afterAll(() => withSsm?.stop());

  const healthOf = async (id: string) => {
    const response = await fetch(`${withSsm.url}/${id}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('reads the app secrets with the branch override as the instance does, and shows only hashes', async () => {
    // Prepare
    const base = `/branch-envs/${uniqueName('st')}/apps/shop`;
    await Promise.all([
      put(`${base}/API_KEY`, 'app-api-key-value'),
      put(`${base}/DB_PASSWORD`, 'app-db-password'),
      put(`${base}/branches/demo-ready/DB_PASSWORD`, 'branch-db-password'),
      put(`${base}/branches/demo-ready/deeper/IGNORED`, 'not-a-direct-child'),
      put(`${base}/db.password`, 'not-an-env-name'),
    ]);
    const secrets = { path: base, branchPath: `${base}/branches/demo-ready`, branchSkipped: null };
    const id = await launch(
      [{ Key: 'ManagedBy', Value: 'branch-envs' }],
      cloudConfig({ deployId: 'd1', secrets }),
    );

    // Act
    await waitFor('reading the secrets', () =>
      withSsm.instances().some((i) => i.instanceId === id && i.loaded === true),
    );
    await new Promise((r) => setTimeout(r, 200));
    const health = await healthOf(id);

    // Assess
    expect(health.status).toBe(200);
    expect(health.body.secrets).toEqual({
      API_KEY: sha256('app-api-key-value'),
      DB_PASSWORD: sha256('branch-db-password'),
    });
    const said = printed.join('\n');
    expect(said).toContain(`${id} received app secrets: API_KEY, DB_PASSWORD`);
    for (const value of ['app-api-key-value', 'branch-db-password', 'app-db-password']) {
      expect(said).not.toContain(value);
      expect(JSON.stringify(health.body)).not.toContain(value);
    }
  });

  it('fails the boot at fetch-secrets when SSM cannot be read, phones home failed, and stays unhealthy', async () => {
    // Prepare: an SSM endpoint nothing listens on (port 9, discard), as an unreachable one
    const route = await phoneHomeRoute();
    const broken = new SSMClient({ ...motoClientConfig('http://127.0.0.1:9'), maxAttempts: 1 });
    const said: string[] = [];
    const failing = await startInstanceSimulator({
      ec2: clients.ec2,
      ssm: broken,
      bootDelayMs: 100,
      pollIntervalMs: 100,
      print: (text) => said.push(text),
    });
    const deployId = '01JD5Z4QWJ3K8T6M2N9P0R7S1Z';
    const secrets = {
      path: '/branch-envs/st/apps/shop',
      branchPath: null,
      branchSkipped: 'invalid_characters',
    };
    const document = { deployId, phoneHomeUrl: `${route.url}/${deployId}`, phoneHomeToken: TOKEN, secrets };
    const id = await launch([{ Key: 'ManagedBy', Value: 'branch-envs' }], cloudConfig(document));

    // Act: the other simulators in this file see the instance too, and report it ready
    const failedReport = () => route.heard.find((h) => JSON.parse(h.body).status === 'failed');
    await waitFor('a failed phone-home', () => failedReport() !== undefined);
    const response = await fetch(`${failing.url}/${id}/health`);

    // Assess
    await failing.stop();
    route.close();
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'failed' });
    expect(said.join('\n')).toMatch(new RegExp(`${id} failed at fetch-secrets: \\w+`));
    expect(failedReport()?.path).toBe(`/phone-home/${deployId}`);
    expect(JSON.parse(failedReport()?.body ?? '{}')).toMatchObject({
      status: 'failed',
      step: 'fetch-secrets',
    });
  });
});
