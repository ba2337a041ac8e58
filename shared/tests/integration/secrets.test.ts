import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { motoConfig, uniqueName } from '../../../tests/helpers/aws';
import { SecretUnavailableError } from '../../src/errors';
import { createSecretReader } from '../../src/secrets';

/** A client like a service's own, counting the GetParameter requests it really sends to moto. */
const countingClient = () => {
  const client = new SSMClient(motoConfig());
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetParameterCommand')
        sent.push(String((args.input as { Name?: unknown }).Name));
      return next(args);
    },
    { step: 'initialize', name: 'countGetParameter' },
  );
  return { client, sent };
};

describe('secret reader (moto)', () => {
  const name = `/branch-envs/${uniqueName('it')}/slack/signing-secret`;

  beforeAll(async () => {
    // Prepare
    await new SSMClient(motoConfig()).send(
      new PutParameterCommand({ Name: name, Type: 'SecureString', Value: 'moto-signing-secret' }),
    );
  });

  it('decrypts a SecureString and reads it from SSM once when asked twice', async () => {
    // Prepare
    const { client, sent } = countingClient();
    const secret = createSecretReader(client).required(name);

    // Act
    const values = [await secret(), await secret()];

    // Assess
    expect(values).toEqual(['moto-signing-secret', 'moto-signing-secret']);
    expect(sent).toEqual([name]);
  });

  it('sends the decryption flag, since moto returns the ciphertext otherwise', async () => {
    // Prepare
    const raw = await new SSMClient(motoConfig()).send(new GetParameterCommand({ Name: name }));

    // Act
    const value = await createSecretReader(new SSMClient(motoConfig())).required(name)();

    // Assess
    expect(raw.Parameter?.Value).not.toBe('moto-signing-secret');
    expect(value).toBe('moto-signing-secret');
  });

  it('fails with SecretUnavailableError naming a required parameter that does not exist', async () => {
    // Prepare
    const missing = `/branch-envs/${uniqueName('it')}/slack/bot-token`;

    // Act
    const error = await createSecretReader(new SSMClient(motoConfig()))
      .required(missing)()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toMatchObject({ parameterName: missing });
  });

  it('reads an optional parameter that does not exist as not configured, once', async () => {
    // Prepare
    const missing = `/branch-envs/${uniqueName('it')}/github/token`;
    const { client, sent } = countingClient();
    const secret = createSecretReader(client).optional(missing);

    // Act
    const values = [await secret(), await secret()];

    // Assess
    expect(values).toEqual([undefined, undefined]);
    expect(sent).toEqual([missing]);
  });
});
