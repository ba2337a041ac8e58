import { Logger } from '@aws-lambda-powertools/logger';
import { newId } from '@branch-envs/shared/ids';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { PhoneHomeOutcome, PhoneHomeReport } from '../../src/domain/readiness/phoneHome';
import { createPhoneHomeHandler, MAX_BODY_BYTES } from '../../src/handlers/createPhoneHomeHandler';

const TOKEN = 'q3Jm0x5vF2kZ8pL1sR7tW9yB4nC6dE0gH2jK4mN6pQ8';
const INSTANCE = 'i-0abc123def4567890';

/** A domain double that records what reached it and answers from a script. */
const domain = (answer: PhoneHomeOutcome | Error = { kind: 'done', outcome: 'ready' }) => {
  const calls: { report: PhoneHomeReport; token: string }[] = [];
  return {
    calls,
    phoneHome: {
      async handle(report: PhoneHomeReport, token: string): Promise<PhoneHomeOutcome> {
        calls.push({ report, token });
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
};

/** Captures everything the logger writes (its own console or the global one), to check what is never logged. */
const capturingLogger = () => {
  const lines: string[] = [];
  const keep = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(keep);
  jest.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => keep(args.join(' ')));
  }
  return { logger: new Logger({ serviceName: 'provisioner-test', logLevel: 'DEBUG' }), lines };
};

const request = (
  overrides: { deployId?: string; body?: unknown; headers?: Record<string, string>; base64?: boolean } = {},
): APIGatewayProxyEventV2 => {
  const deployId = overrides.deployId ?? DEPLOY_ID;
  const body =
    typeof overrides.body === 'string'
      ? overrides.body
      : JSON.stringify(
          overrides.body ?? { deployId, instanceId: INSTANCE, status: 'ready', step: 'start-app' },
        );
  return {
    version: '2.0',
    routeKey: 'POST /phone-home/{deployId}',
    rawPath: `/phone-home/${deployId}`,
    rawQueryString: '',
    headers: overrides.headers ?? {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    },
    pathParameters: { deployId },
    isBase64Encoded: overrides.base64 ?? false,
    body: overrides.base64 ? Buffer.from(body).toString('base64') : body,
    requestContext: { http: { method: 'POST' } },
  } as unknown as APIGatewayProxyEventV2;
};

const DEPLOY_ID = newId();

describe('POST /phone-home/{deployId}', () => {
  afterEach(() => jest.restoreAllMocks());

  it('hands a well-formed report and its bearer token to the use case', async () => {
    // Prepare
    const fake = domain();
    const handler = createPhoneHomeHandler({ phoneHome: fake.phoneHome, logger: capturingLogger().logger });

    // Act
    const response = await handler(request({ base64: true }));

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: JSON.stringify({ outcome: 'ready' }) });
    expect(fake.calls).toEqual([
      {
        token: TOKEN,
        report: { deployId: DEPLOY_ID, instanceId: INSTANCE, status: 'ready', step: 'start-app' },
      },
    ]);
  });

  it.each([
    ['no Authorization header', { 'content-type': 'application/json' }],
    ['a Basic credential', { authorization: 'Basic dXNlcjpwYXNz', 'content-type': 'application/json' }],
    ['an empty bearer token', { authorization: 'Bearer ', 'content-type': 'application/json' }],
  ])('answers 401 with a Bearer challenge to %s, before reading the body', async (_case, headers) => {
    // Prepare
    const fake = domain();
    const handler = createPhoneHomeHandler({ phoneHome: fake.phoneHome, logger: capturingLogger().logger });

    // Act
    const response = await handler(request({ headers, body: 'not even JSON' }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toMatch(/^Bearer /);
    expect(fake.calls).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', { body: '{"deployId":' }, 400, 'the report is not JSON'],
    [
      'an unknown status',
      { body: { deployId: DEPLOY_ID, status: 'rebooting' } },
      400,
      'the report is not valid: status',
    ],
    [
      'a step with shell in it',
      { body: { deployId: DEPLOY_ID, status: 'failed', step: '$(reboot)' } },
      400,
      'step: must be a boot step name',
    ],
    [
      'an instance id that is not one',
      { body: { deployId: DEPLOY_ID, status: 'ready', instanceId: 'i-nope' } },
      400,
      'instanceId: must be an EC2 instance id',
    ],
    [
      'a body about another deployment',
      { body: { deployId: newId(), status: 'ready' } },
      400,
      'the report names another deployment than its URL',
    ],
    ['a path that is not a deployId', { deployId: 'abc' }, 404, 'no such deployment'],
    [
      'a form body',
      { headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'application/json',
    ],
    [
      'a body over the limit',
      { body: { deployId: DEPLOY_ID, status: 'ready', pad: 'x'.repeat(MAX_BODY_BYTES) } },
      413,
      'too large',
    ],
  ])('answers %s with a clear 4xx and never calls the use case', async (_case, overrides, status, text) => {
    // Prepare
    const fake = domain();
    const handler = createPhoneHomeHandler({ phoneHome: fake.phoneHome, logger: capturingLogger().logger });

    // Act
    const response = await handler(request(overrides));

    // Assess
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body ?? '{}').error).toContain(text);
    expect(fake.calls).toEqual([]);
  });

  it.each([
    [{ kind: 'unauthorized' } as const, 401],
    [{ kind: 'conflict', message: 'this deployment runs on another instance' } as const, 409],
    [{ kind: 'done', outcome: 'waiting' } as const, 202],
    [{ kind: 'done', outcome: 'failed' } as const, 200],
    [{ kind: 'done', outcome: 'ignored' } as const, 200],
  ])('maps %j to %i', async (outcome, status) => {
    // Prepare
    const handler = createPhoneHomeHandler({
      phoneHome: domain(outcome).phoneHome,
      logger: capturingLogger().logger,
    });

    // Act
    const response = await handler(request());

    // Assess
    expect(response.statusCode).toBe(status);
  });

  it('answers a failure of its own stores with a retryable 503: no stack trace, no token in the logs', async () => {
    // Prepare
    const error = new Error(`DynamoDB timed out at internal/frames.js:1 (token ${TOKEN.slice(0, 3)}…)`);
    const { logger, lines } = capturingLogger();
    const handler = createPhoneHomeHandler({ phoneHome: domain(error).phoneHome, logger });

    // Act
    const response = await handler(request());

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('2');
    expect(response.body).not.toMatch(/DynamoDB|frames|at /);
    expect(lines.join('\n')).toContain('could not be handled');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
