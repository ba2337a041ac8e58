import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { createHealthCheck } from '../../src/adapters/healthCheck';

/** A local app: `/ok` 200, `/starting` 503, `/login` a redirect, `/hang` never answers. */
const startApp = async () => {
  const server: Server = createServer((request, response) => {
    if (request.url === '/hang') return;
    if (request.url === '/login') {
      response.writeHead(302, { location: '/ok' });
      response.end();
      return;
    }
    response.statusCode = request.url === '/ok' ? 200 : 503;
    response.end('body that is never read');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A loopback port nothing listens on (asked of the OS, then released). */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('the HTTP health check', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  const health = createHealthCheck({ timeoutMs: 300, expectedStatus: 200 });

  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('is healthy when the app answers the expected status', async () => {
    // Act + Assess
    await expect(health.check(`${app.base}/ok`)).resolves.toEqual({ healthy: true, status: 200 });
  });

  it('says what the app answered when it is not the expected status', async () => {
    // Act + Assess
    await expect(health.check(`${app.base}/starting`)).resolves.toEqual({
      healthy: false,
      observation: `GET ${app.base}/starting answered 503`,
    });
  });

  it('does not follow a redirect', async () => {
    // Act + Assess
    await expect(health.check(`${app.base}/login`)).resolves.toMatchObject({
      healthy: false,
      observation: expect.stringContaining('answered 302'),
    });
  });

  it('gives up after its timeout when the app does not answer', async () => {
    // Prepare
    const started = Date.now();

    // Act
    const result = await health.check(`${app.base}/hang`);

    // Assess
    expect(result).toEqual({
      healthy: false,
      observation: `GET ${app.base}/hang failed: no answer within 300 ms`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('names the network error when nothing listens', async () => {
    // Prepare
    const url = `http://127.0.0.1:${await closedPort()}/health`;

    // Act + Assess
    await expect(health.check(url)).resolves.toEqual({
      healthy: false,
      observation: `GET ${url} failed: ECONNREFUSED`,
    });
  });
});
