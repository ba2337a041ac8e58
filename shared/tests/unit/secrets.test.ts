import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretUnavailableError } from '../../src/errors';
import { createSecretReader } from '../../src/secrets';

const ssmMock = mockClient(SSMClient);

beforeEach(() => {
  ssmMock.reset();
});

const notFound = () => new ParameterNotFound({ message: 'no such parameter', $metadata: {} });

describe('a required secret', () => {
  it('reads the SecureString once, decrypted, however often it is asked for', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 's3cret' } });
    const secret = createSecretReader(new SSMClient({})).required('/branch-envs/test/slack/signing-secret');

    // Act
    const values = await Promise.all([secret(), secret(), secret()]);
    const later = await secret();

    // Assess
    expect(values).toEqual(['s3cret', 's3cret', 's3cret']);
    expect(later).toBe('s3cret');
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/branch-envs/test/slack/signing-secret',
      WithDecryption: true,
    });
  });

  it('does not cache a failure, so the next request tries again', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Parameter: { Value: 'ok' } });
    const secret = createSecretReader(new SSMClient({})).required('/p');

    // Act
    const first = secret();

    // Assess
    await expect(first).rejects.toThrow(SecretUnavailableError);
    await expect(secret()).resolves.toBe('ok');
  });

  it('fails with the parameter name, never the value, when the parameter is missing or blank', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand, { Name: '/missing' })
      .rejects(notFound())
      .on(GetParameterCommand, { Name: '/blank' })
      .resolves({ Parameter: { Value: ' \n' } });
    const reader = createSecretReader(new SSMClient({}));

    // Act
    const errors = await Promise.all(
      ['/missing', '/blank'].map((name) =>
        reader
          .required(name)()
          .catch((error: unknown) => error),
      ),
    );

    // Assess
    expect(errors).toEqual([expect.any(SecretUnavailableError), expect.any(SecretUnavailableError)]);
    expect(errors.map((e) => (e as SecretUnavailableError).parameterName)).toEqual(['/missing', '/blank']);
    expect((errors[0] as Error).message).toBe('cannot read SSM parameter /missing');
  });

  it('picks up a parameter created after a read found it missing', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(notFound())
      .resolves({ Parameter: { Value: 'created' } });
    const secret = createSecretReader(new SSMClient({})).required('/p');

    // Act
    const first = await secret().catch((error: unknown) => error);
    const second = await secret();

    // Assess
    expect(first).toBeInstanceOf(SecretUnavailableError);
    expect(second).toBe('created');
  });

  it('keeps the message free of the value when the read fails', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(new Error('AccessDeniedException'));
    const secret = createSecretReader(new SSMClient({})).required('/branch-envs/test/slack/bot-token');

    // Act
    const error = await secret().catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      name: 'SecretUnavailableError',
      parameterName: '/branch-envs/test/slack/bot-token',
      message: 'cannot read SSM parameter /branch-envs/test/slack/bot-token',
    });
  });
});

describe('an optional secret', () => {
  it('is undefined without asking SSM when no parameter is configured', async () => {
    // Act
    const value = await createSecretReader(new SSMClient({})).optional(undefined)();

    // Assess
    expect(value).toBeUndefined();
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('remembers a missing parameter as not configured', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(notFound());
    const secret = createSecretReader(new SSMClient({})).optional('/branch-envs/test/slack/webhook-url');

    // Act
    const values = [await secret(), await secret()];

    // Assess
    expect(values).toEqual([undefined, undefined]);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('trims the value and treats a blank one as not configured', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand, { Name: '/token' })
      .resolves({ Parameter: { Value: 'xoxb-1\n' } })
      .on(GetParameterCommand, { Name: '/blank' })
      .resolves({ Parameter: { Value: '  ' } });
    const reader = createSecretReader(new SSMClient({}));

    // Act
    const values = [await reader.optional('/token')(), await reader.optional('/blank')()];

    // Assess
    expect(values).toEqual(['xoxb-1', undefined]);
  });

  it('throws SecretUnavailableError, not undefined, when the parameter exists but cannot be read', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolves({ Parameter: { Value: 'xoxb-2' } });
    const secret = createSecretReader(new SSMClient({})).optional('/p');

    // Act
    const first = await secret().catch((error: unknown) => error);
    const second = await secret();

    // Assess
    expect(first).toBeInstanceOf(SecretUnavailableError);
    expect(second).toBe('xoxb-2');
  });
});
