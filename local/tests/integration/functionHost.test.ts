import { FunctionHost } from '../../src/runner/functionHost';
import type { LocalFunction } from '../../src/templates/runtimeBindings';
import { fixtureFunction } from '../helpers/factories';
import { FIXTURE_DIR } from '../helpers/fixtureService';

const hosts: FunctionHost[] = [];
const hostFor = (
  fn: LocalFunction,
  env: Record<string, string> = { PATH: process.env.PATH ?? '', ...fn.environment },
) => {
  const host = new FunctionHost({
    fn,
    env,
    region: 'eu-north-1',
    accountId: '123456789012',
    log: () => undefined,
  });
  hosts.push(host);
  return host;
};

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
});

describe('FunctionHost', () => {
  it('runs the TypeScript handler with exactly the given environment and a Lambda context', async () => {
    // Prepare
    const fn = fixtureFunction('echo');
    const host = hostFor(fn, {
      PATH: process.env.PATH ?? '',
      ONLY_THIS: 'yes',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
    });

    // Act
    const result = await host.invoke({ hello: 'world' });

    // Assess
    expect(result.ok).toBe(true);
    const value = (result.ok ? result.value : {}) as {
      event: unknown;
      env: Record<string, string>;
      context: Record<string, unknown>;
      cwd: string;
    };
    expect(value.event).toEqual({ hello: 'world' });
    expect(value.env.ONLY_THIS).toBe('yes');
    expect(value.env.HOME).toBeUndefined();
    expect(value.cwd).toBe(FIXTURE_DIR);
    expect(value.context).toMatchObject({
      functionName: fn.name,
      invokedFunctionArn: `arn:aws:lambda:eu-north-1:123456789012:function:${fn.name}`,
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(value.context.remainingMs).toBeGreaterThan(4000);
    expect(value.context.remainingMs).toBeLessThanOrEqual(5000);
  }, 30_000);

  it('reports a thrown error as the invocation’s error and keeps the worker warm', async () => {
    // Prepare
    const host = hostFor(fixtureFunction('http'));

    // Act
    const failed = await host.invoke({ queryStringParameters: { crash: '1' } });
    const next = await host.invoke({ routeKey: 'GET /x' });

    // Assess
    expect(failed).toMatchObject({
      ok: false,
      error: { errorType: 'Error', errorMessage: 'crash requested' },
    });
    expect(next).toMatchObject({ ok: true, value: { statusCode: 201 } });
  }, 30_000);

  it('kills a handler that outlives its timeout and starts fresh for the next invocation', async () => {
    // Prepare
    const host = hostFor(fixtureFunction('http', { timeoutSeconds: 1 }));

    // Act
    const timedOut = await host.invoke({ queryStringParameters: { sleep: '3000' } });
    const next = await host.invoke({ routeKey: 'GET /x' });

    // Assess
    expect(timedOut).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    expect(next.ok).toBe(true);
  }, 30_000);

  it('fails every invocation with an import error when the handler module is missing', async () => {
    // Prepare
    const host = hostFor(fixtureFunction('echo', { handlerFile: `${FIXTURE_DIR}/src/handlers/missing.ts` }));

    // Act
    const result = await host.invoke({});

    // Assess
    expect(result).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
  }, 30_000);
});
