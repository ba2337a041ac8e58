import {
  CreateDocumentCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  PutParameterCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { motoEndpoint, uniqueName } from '../../../tests/helpers/aws';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import { motoClientConfig } from '../../src/aws/moto';
import { type RunCommandStandIn, startRunCommandStandIn } from '../../src/standins/runCommand';
import { documentsInSsm } from '../../src/standins/runCommandDocuments';

const INSTANCE = 'i-0123456789abcdef0';

let clients: AwsClients;
let standIn: RunCommandStandIn;
let ssm: SSMClient;

beforeAll(async () => {
  clients = createAwsClients(motoEndpoint());
  standIn = await startRunCommandStandIn({
    upstream: motoEndpoint(),
    documents: documentsInSsm(clients.ssm),
    isOnline: async (id) => id === INSTANCE,
    deliveryDelayMs: 10,
  });
  ssm = new SSMClient({ ...motoClientConfig(standIn.url), maxAttempts: 1 });
});

afterAll(async () => {
  ssm?.destroy();
  await standIn?.stop();
  clients?.destroy();
});

describe('Run Command stand-in on moto', () => {
  it('runs a document that the template applier created in moto, with its step and parameter pattern', async () => {
    // Prepare: the document as documentAppliers.ts creates it (content as JSON).
    const name = uniqueName('branch-envs-it-update');
    await clients.ssm.send(
      new CreateDocumentCommand({
        Name: name,
        DocumentType: 'Command',
        DocumentFormat: 'JSON',
        Content: JSON.stringify({
          schemaVersion: '2.2',
          description: 'test',
          parameters: {
            UpdateInput: {
              type: 'String',
              allowedPattern: '^[A-Za-z0-9_-]{1,12000}$',
              interpolationType: 'ENV_VAR',
            },
          },
          mainSteps: [
            {
              action: 'aws:runShellScript',
              name: 'update',
              inputs: { timeoutSeconds: '600', runCommand: ['exec /bin/true'] },
            },
          ],
        }),
      }),
    );
    standIn.register(name, async (request) => ({
      exitCode: 0,
      stdout: `got ${request.parameters.UpdateInput?.[0]}`,
      stderr: '',
    }));

    // Act
    const refused = await ssm
      .send(
        new SendCommandCommand({
          DocumentName: name,
          InstanceIds: [INSTANCE],
          Parameters: { UpdateInput: ['a b'] },
        }),
      )
      .then(
        () => 'accepted',
        (error: Error) => error.name,
      );
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: name,
        InstanceIds: [INSTANCE],
        Parameters: { UpdateInput: ['abc'] },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: sent.Command?.CommandId ?? '', InstanceId: INSTANCE }),
    );

    // Assess
    expect(refused).toBe('InvalidParameters');
    expect(result).toMatchObject({
      Status: 'Success',
      ResponseCode: 0,
      PluginName: 'update',
      StandardOutputContent: 'got abc',
    });
  });

  it('forwards parameter calls to moto, SecureString decryption included', async () => {
    // Prepare
    const name = `/${uniqueName('it')}/secret`;
    await ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'shh' }));

    // Act
    const direct = await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const through = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));

    // Assess
    expect(direct.Parameter?.Value).toBe('shh');
    expect(through.Parameter?.Value).toBe('shh');
  });
});
