import { compileRoute, matchRoute } from '../../src/runner/httpApi';
import { fromHandlerResult, toHttpApiEvent } from '../../src/runner/httpEvent';

const route = (routeKey: string) =>
  compileRoute({
    binding: { routeKey, functionName: routeKey, payloadFormatVersion: '2.0' },
    invoke: async () => ({ ok: true, value: null, durationMs: 0 }),
  });

describe('toHttpApiEvent', () => {
  const base = {
    method: 'POST',
    url: '/slack/commands?x=1&x=2',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot',
      'x-slack-signature': 'v0=abc',
    },
    sourceIp: '127.0.0.1',
    routeKey: 'POST /slack/commands',
    host: '127.0.0.1:3000',
    now: new Date('2026-03-12T19:03:58Z'),
  };

  it('base64-encodes a form body, as API Gateway does', () => {
    // Prepare
    const body = Buffer.from('text=login&user_id=U1');

    // Act
    const event = toHttpApiEvent({ ...base, body, encoding: 'auto' });

    // Assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /slack/commands',
      rawPath: '/slack/commands',
      rawQueryString: 'x=1&x=2',
      queryStringParameters: { x: '1,2' },
      isBase64Encoded: true,
      body: body.toString('base64'),
      requestContext: {
        http: { method: 'POST', path: '/slack/commands', sourceIp: '127.0.0.1', userAgent: 'Slackbot' },
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: Date.parse('2026-03-12T19:03:58Z'),
      },
    });
    expect(event.headers['x-slack-signature']).toBe('v0=abc');
  });

  it('passes JSON as text, and form bodies too when asked for plain bodies', () => {
    // Act
    const json = toHttpApiEvent({
      ...base,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"a":1}'),
      encoding: 'auto',
    });
    const plain = toHttpApiEvent({ ...base, body: Buffer.from('a=1'), encoding: 'plain' });

    // Assess
    expect(json).toMatchObject({ isBase64Encoded: false, body: '{"a":1}' });
    expect(plain).toMatchObject({ isBase64Encoded: false, body: 'a=1' });
  });
});

describe('fromHandlerResult', () => {
  it('uses a structured result as it is, decoding a base64 body', () => {
    // Act
    const response = fromHandlerResult({
      statusCode: 401,
      headers: { 'X-A': 'b' },
      body: Buffer.from('no').toString('base64'),
      isBase64Encoded: true,
    });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers['x-a']).toBe('b');
    expect(response.body.toString()).toBe('no');
  });

  it('turns any other value into a 200 JSON response', () => {
    // Act
    const response = fromHandlerResult({ ok: true });

    // Assess
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(response.body.toString()).toBe('{"ok":true}');
  });
});

describe('matchRoute', () => {
  const routes = [
    route('POST /slack/commands'),
    route('GET /items/{id}'),
    route('ANY /files/{proxy+}'),
    route('$default'),
  ];

  it('prefers an exact route and extracts path parameters', () => {
    expect(matchRoute(routes, 'POST', '/slack/commands')?.route.binding.routeKey).toBe(
      'POST /slack/commands',
    );
    expect(matchRoute(routes, 'GET', '/items/a%2Fb')?.pathParameters).toEqual({ id: 'a/b' });
  });

  it('matches a greedy parameter across segments', () => {
    expect(matchRoute(routes, 'DELETE', '/files/a/b/c')?.pathParameters).toEqual({ proxy: 'a/b/c' });
  });

  it('falls back to $default, and to nothing without one', () => {
    expect(matchRoute(routes, 'GET', '/nope')?.route.binding.routeKey).toBe('$default');
    expect(matchRoute(routes.slice(0, 3), 'GET', '/slack/commands')).toBeUndefined();
  });
});
