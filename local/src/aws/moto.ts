import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

export class MotoUnavailableError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MotoUnavailableError';
  }
}

const assertMotoInstalled = (python: string): void => {
  const probe = spawnSync(python, ['-c', 'import moto, flask, flask_cors; print(moto.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    throw new MotoUnavailableError(
      `moto's server is not available to ${python}: ${probe.stderr.trim() || probe.error?.message}. ` +
        "Install it with: pip install 'moto[server]==5.2.1'",
    );
  }
};

const waitUntilUp = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A signal (Ctrl-C reaches moto too) leaves exitCode null, so check both.
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new MotoUnavailableError(`moto exited (${child.exitCode ?? child.signalCode}) during start-up`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(500) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new MotoUnavailableError(`moto did not answer on ${endpoint} within ${timeoutMs} ms`);
};

/**
 * moto's server with DynamoDB writes made atomic, as DynamoDB's are (see the file): conditional
 * writes such as the provisioner's claim otherwise race under load. Same arguments as `moto.server`.
 */
const MOTO_SERVER = join(__dirname, 'motoServer.py');

/**
 * Starts moto's server (`motoServer.py`) on a free loopback port and waits until it answers. Fails
 * with a clear message, naming the install command, when moto is missing.
 */
export const startMoto = async (
  options: { port?: number; python?: string; timeoutMs?: number } = {},
): Promise<MotoServer> => {
  const python = options.python ?? process.env.PYTHON ?? 'python3';
  assertMotoInstalled(python);
  const port = options.port ?? (await freePort());
  const child = spawn(python, [MOTO_SERVER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_CALL_RESET_API: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new MotoUnavailableError(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
};

/** SDK client settings for moto: fixed fake credentials and the endpoint, so nothing reaches AWS. */
export const motoClientConfig = (endpoint: string, region = 'eu-north-1') => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
