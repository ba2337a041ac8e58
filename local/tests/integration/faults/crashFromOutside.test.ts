import { spawn } from 'node:child_process';
import { type Crash, createCrashHook } from '../../../src/faults/crashHook';
import { type FaultProxy, startFaultProxy } from '../../../src/faults/faultProxy';
import { type LocalServer, listen } from '../../../src/standins/httpServer';

/**
 * The crash hook finds the child process behind a connection through /proc and kills it after the
 * dependency answered: the answer never reaches it, as when a Lambda sandbox dies mid-call.
 */
let upstream: LocalServer;
let heard = 0;
beforeAll(async () => {
  upstream = await listen((_req, res) => {
    heard += 1;
    res.end('ok');
  });
});
afterAll(() => upstream.stop());

const proxyWith = async (functionName: RegExp, crashes: Crash[]): Promise<FaultProxy> => {
  let hook: ReturnType<typeof createCrashHook> | undefined;
  const proxy = await startFaultProxy({
    dependency: 'github',
    target: upstream.url,
    operationOf: (call) => `${call.method} ${call.path}`,
    chooseFault: () => undefined,
    timeoutMs: 100,
    afterForward: (call, socket) => (hook ? hook(call, socket) : Promise.resolve(false)),
  });
  const rule = {
    moment: 'test',
    dependency: 'github' as const,
    operation: /^GET \/x$/,
    functionName,
    probability: 1,
  };
  hook = createCrashHook('github', { rules: [rule], budget: 3 }, proxy.port, (c) => crashes.push(c));
  return proxy;
};

const childCalling = (url: string, name: string) =>
  new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
    const script = `fetch(${JSON.stringify(url)}).then(r => r.text()).then(t => { console.log('got ' + t); process.exit(0) }, e => { console.log('failed ' + e.message); process.exit(3) })`;
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: name },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });

test('a matching call from a child of ours kills that child after the upstream answered', async () => {
  const crashes: Crash[] = [];
  const proxy = await proxyWith(/crash-me/, crashes);
  try {
    const before = heard;
    const result = await childCalling(`${proxy.url}/x`, 'fn-crash-me');
    expect(result.signal).toBe('SIGKILL');
    expect(result.out).toBe('');
    expect(heard).toBe(before + 1);
    expect(crashes).toEqual([expect.objectContaining({ functionName: 'fn-crash-me', operation: 'GET /x' })]);
  } finally {
    await proxy.stop();
  }
});

test('a child of another function gets its answer', async () => {
  const crashes: Crash[] = [];
  const proxy = await proxyWith(/crash-me/, crashes);
  try {
    const result = await childCalling(`${proxy.url}/x`, 'fn-spared');
    expect(result).toMatchObject({ code: 0, signal: null, out: 'got ok\n' });
    expect(crashes).toEqual([]);
  } finally {
    await proxy.stop();
  }
});
