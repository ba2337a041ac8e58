import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { motoClientConfig } from '../../src/aws/moto';
import { type RunCommandStandIn, startRunCommandStandIn } from '../../src/standins/runCommand';
import { commandDocumentOf } from '../../src/standins/runCommandDocuments';
import type { ExecutionRequest, Executor } from '../../src/standins/runCommandTypes';

const DOCUMENT = 'branch-envs-test-update';
const ONLINE = 'i-0123456789abcdef0';
const OFFLINE = 'i-0fedcba9876543210';

const documentContent = (timeoutSeconds: number) =>
  JSON.stringify({
    schemaVersion: '2.2',
    parameters: { UpdateInput: { type: 'String', allowedPattern: '^[A-Za-z0-9_-]{1,12000}$' } },
    mainSteps: [
      { action: 'aws:runShellScript', name: 'update', inputs: { timeoutSeconds: String(timeoutSeconds) } },
    ],
  });

interface Upstream {
  url: string;
  heard: { target: string | undefined; body: string; headers: IncomingHttpHeaders }[];
  close(): void;
}

/** Plays moto for the calls the stand-in forwards: answers GetParameter and records what arrived. */
const startUpstream = (): Promise<Upstream> =>
  new Promise((resolve) => {
    const heard: Upstream['heard'] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        heard.push({
          target: req.headers['x-amz-target'] as string,
          body: Buffer.concat(chunks).toString(),
          headers: req.headers,
        });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({ Parameter: { Name: '/p', Type: 'String', Value: 'from-upstream', Version: 1 } }),
        );
      });
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        heard,
        close: () => {
          server.close();
          server.closeAllConnections();
        },
      }),
    );
  });

let upstream: Upstream;
let standIn: RunCommandStandIn;
let ssm: SSMClient;
let executor: Executor;

beforeAll(async () => {
  upstream = await startUpstream();
  standIn = await startRunCommandStandIn({
    upstream: upstream.url,
    documents: async (name) =>
      name === DOCUMENT
        ? commandDocumentOf(name, '3', documentContent(1))
        : name === 'no-script'
          ? commandDocumentOf(name, '1', documentContent(60))
          : undefined,
    isOnline: async (id) => id === ONLINE,
    deliveryDelayMs: 10,
  });
  standIn.register(DOCUMENT, (request) => executor(request));
  ssm = new SSMClient({ ...motoClientConfig(standIn.url), maxAttempts: 1 });
});

afterAll(async () => {
  ssm?.destroy();
  await standIn?.stop();
  upstream?.close();
});

const send = (
  parameters: Record<string, string[]> = { UpdateInput: ['eyJ2IjoxfQ'] },
  instanceId = ONLINE,
  document = DOCUMENT,
) =>
  ssm.send(
    new SendCommandCommand({
      DocumentName: document,
      InstanceIds: [instanceId],
      Parameters: parameters,
      Comment: 'test',
    }),
  );

const settled = async (commandId: string): Promise<GetCommandInvocationCommandOutput> => {
  for (let i = 0; i < 200; i++) {
    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: ONLINE }));
    if (out.Status !== 'Pending' && out.Status !== 'InProgress') return out;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the invocation never settled');
};

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error.name,
  );

describe('Run Command stand-in', () => {
  it('accepts a command as Pending and reports the script exit code 0 as Success with its output', async () => {
    // Prepare
    const seen: ExecutionRequest[] = [];
    executor = async (request) => {
      seen.push(request);
      return { exitCode: 0, stdout: 'updated to abc1234\n', stderr: '' };
    };

    // Act
    const sent = await send();
    const commandId = sent.Command?.CommandId ?? '';
    const result = await settled(commandId);

    // Assess
    expect(sent.Command).toMatchObject({
      Status: 'Pending',
      DocumentName: DOCUMENT,
      InstanceIds: [ONLINE],
      TargetCount: 1,
    });
    expect(sent.Command?.RequestedDateTime).toBeInstanceOf(Date);
    expect(seen).toEqual([
      expect.objectContaining({ instanceId: ONLINE, parameters: { UpdateInput: ['eyJ2IjoxfQ'] } }),
    ]);
    expect(result).toMatchObject({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      PluginName: 'update',
      DocumentVersion: '3',
      StandardOutputContent: 'updated to abc1234\n',
    });
    expect(result.ExecutionElapsedTime).toMatch(/^PT\d+\.\d{3}S$/);
    expect(Date.parse(result.ExecutionEndDateTime ?? '')).not.toBeNaN();
  });

  it('reports a non-zero exit code as Failed with that ResponseCode and the script stderr', async () => {
    // Prepare
    executor = async () => ({ exitCode: 4, stdout: '', stderr: 'not healthy: rolled back' });

    // Act
    const result = await settled((await send()).Command?.CommandId ?? '');

    // Assess
    expect(result).toMatchObject({
      Status: 'Failed',
      ResponseCode: 4,
      StandardErrorContent: 'not healthy: rolled back',
    });
  });

  it('times a script out after the document step timeout and aborts its signal', async () => {
    // Prepare
    let signal: AbortSignal | undefined;
    executor = (request) => {
      signal = request.signal;
      return new Promise((resolve) =>
        setTimeout(() => resolve({ exitCode: 0, stdout: 'late', stderr: '' }), 3000).unref(),
      );
    };

    // Act
    const result = await settled((await send()).Command?.CommandId ?? '');

    // Assess
    expect(result).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: -1,
    });
    expect(signal?.aborted).toBe(true);
  });

  it('fails an invocation of a document that no simulated instance script plays', async () => {
    // Act
    const sent = await send({ UpdateInput: ['abc'] }, ONLINE, 'no-script');
    const result = await settled(sent.Command?.CommandId ?? '');

    // Assess
    expect(result).toMatchObject({ Status: 'Failed', ResponseCode: 1 });
    expect(result.StandardErrorContent).toContain('no simulated instance script for document no-script');
  });

  it('answers InvocationDoesNotExist for an unknown command, as SSM does', async () => {
    // Act
    const name = await errorOf(
      ssm.send(
        new GetCommandInvocationCommand({
          CommandId: '00000000-0000-4000-8000-000000000000',
          InstanceId: ONLINE,
        }),
      ),
    );

    // Assess
    expect(name).toBe('InvocationDoesNotExist');
  });

  it('refuses offline instances, unknown documents and parameters the document does not allow', async () => {
    // Act
    const offline = await errorOf(send(undefined, OFFLINE));
    const unknownDocument = await errorOf(send(undefined, ONLINE, 'nope'));
    const badPattern = await errorOf(send({ UpdateInput: ['$(reboot)'] }));
    const undeclared = await errorOf(send({ UpdateInput: ['abc'], Extra: ['x'] }));
    const missing = await errorOf(send({}));

    // Assess
    expect(offline).toBe('InvalidInstanceId');
    expect(unknownDocument).toBe('InvalidDocument');
    expect([badPattern, undeclared, missing]).toEqual([
      'InvalidParameters',
      'InvalidParameters',
      'InvalidParameters',
    ]);
  });

  it('lists invocations of a command with their plugin details', async () => {
    // Prepare
    executor = async () => ({ exitCode: 0, stdout: 'ok', stderr: '' });
    const commandId = (await send()).Command?.CommandId ?? '';
    await settled(commandId);

    // Act
    const listed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));

    // Assess
    expect(listed.CommandInvocations).toEqual([
      expect.objectContaining({
        CommandId: commandId,
        InstanceId: ONLINE,
        Status: 'Success',
        CommandPlugins: [expect.objectContaining({ Name: 'update', ResponseCode: 0, Output: 'ok' })],
      }),
    ]);
  });

  it('forwards every other SSM call to the upstream unchanged', async () => {
    // Act
    const out = await ssm.send(new GetParameterCommand({ Name: '/p', WithDecryption: true }));

    // Assess
    expect(out.Parameter?.Value).toBe('from-upstream');
    expect(upstream.heard.at(-1)).toMatchObject({ target: 'AmazonSSM.GetParameter' });
    expect(JSON.parse(upstream.heard.at(-1)?.body ?? '{}')).toEqual({ Name: '/p', WithDecryption: true });
    expect(upstream.heard.at(-1)?.headers.authorization).toContain('/ssm/aws4_request');
  });
});
