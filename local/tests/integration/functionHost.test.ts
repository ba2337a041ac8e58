import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionHost } from '../../src/runner/functionHost';
import { BundleError, bundleWorkers, type WorkerBundles } from '../../src/runner/handlerBundles';
import { REPO_ROOT } from '../../src/templates/packaging';
import type { LocalFunction } from '../../src/templates/runtimeBindings';
import { fixtureFunction } from '../helpers/factories';
import { FIXTURE_DIR } from '../helpers/fixtureService';

const hosts: FunctionHost[] = [];
const hostFor = (
  fn: LocalFunction,
  env: Record<string, string> = { PATH: process.env.PATH ?? '', ...fn.environment },
  maxConcurrency?: number,
  extra: { bundles?: WorkerBundles; maxColdStarts?: number } = {},
) => {
  const handler = extra.bundles?.handlers.get(fn.handlerFile);
  const host = new FunctionHost({
    fn,
    env,
    region: 'eu-north-1',
    accountId: '123456789012',
    log: () => undefined,
    ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
    ...(extra.bundles && handler ? { bundle: { worker: extra.bundles.worker, handler } } : {}),
    ...(extra.maxColdStarts !== undefined ? { maxColdStarts: extra.maxColdStarts } : {}),
  });
  hosts.push(host);
  return host;
};

const cacheDir = mkdtempSync(join(tmpdir(), 'branch-envs-bundles-'));

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  rmSync(cacheDir, { recursive: true, force: true });
});

type Run = { pid: number; startedAt: number; endedAt: number };
const runsOf = (results: Awaited<ReturnType<FunctionHost['invoke']>>[]): Run[] =>
  results.map((r) => (r.ok ? r.value : {}) as Run);
const peakOverlap = (runs: Run[]): number =>
  Math.max(
    ...runs.map((at) => runs.filter((r) => r.startedAt <= at.startedAt && at.startedAt < r.endedAt).length),
  );

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

  it('runs concurrent invocations each in its own worker, never more than maxConcurrency at once', async () => {
    // Prepare
    const fn = fixtureFunction('echo');
    const host = hostFor(fn, { PATH: process.env.PATH ?? '' }, 3);

    // Act
    const results = await Promise.all(Array.from({ length: 7 }, (_, i) => host.invoke({ i, sleepMs: 1500 })));

    // Assess
    const runs = runsOf(results);
    const peak = peakOverlap(runs);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(3);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(3);
    expect(host.environments).toBe(3);
  }, 30_000);

  it('reuses a warm worker for invocations that do not overlap', async () => {
    // Prepare
    const host = hostFor(fixtureFunction('echo'), { PATH: process.env.PATH ?? '' }, 10);

    // Act
    const first = await host.invoke({});
    const second = await host.invoke({});

    // Assess
    const pidOf = (r: typeof first) => (r.ok ? (r.value as { pid: number }).pid : 0);
    expect(pidOf(first)).toBe(pidOf(second));
    expect(host.environments).toBe(1);
  }, 30_000);

  it('keeps the other workers when one times out, and replaces only that one', async () => {
    // Prepare
    const host = hostFor(fixtureFunction('echo', { timeoutSeconds: 1 }), { PATH: process.env.PATH ?? '' }, 2);

    // Act
    const [timedOut, quick] = await Promise.all([
      host.invoke({ sleepMs: 3000 }),
      host.invoke({ sleepMs: 10 }),
    ]);
    const after = await host.invoke({});

    // Assess
    expect(timedOut).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    expect(quick.ok).toBe(true);
    expect(after.ok).toBe(true);
    expect(host.environments).toBeLessThanOrEqual(2);
  }, 30_000);
});

describe('FunctionHost started from esbuild bundles', () => {
  const fns = { echo: fixtureFunction('echo'), http: fixtureFunction('http') };
  let bundles: WorkerBundles;

  beforeAll(async () => {
    bundles = await bundleWorkers(Object.values(fns), cacheDir, REPO_ROOT);
  }, 60_000);

  it('writes one content-hashed CommonJS bundle per handler and the worker, and reuses them unchanged', async () => {
    // Prepare: a bundle of older sources two hours old, and one written a minute ago
    const stale = join(cacheDir, 'echo-OLDSTALE.cjs');
    const recent = join(cacheDir, 'echo-RECENT00.cjs');
    for (const file of [stale, recent]) writeFileSync(file, '');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);

    // Act
    const again = await bundleWorkers(Object.values(fns), cacheDir, REPO_ROOT);

    // Assess
    const echoBundle = bundles.handlers.get(fns.echo.handlerFile) ?? '';
    expect(echoBundle).toMatch(/echo-[A-Z0-9]{8}\.cjs$/);
    expect(existsSync(echoBundle)).toBe(true);
    expect(existsSync(`${echoBundle}.map`)).toBe(true);
    expect(bundles.worker).toMatch(/lambdaWorker-[A-Z0-9]{8}\.cjs$/);
    expect(again.handlers).toEqual(bundles.handlers);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it('runs the bundled handler with exactly the given environment and a Lambda context', async () => {
    // Prepare
    const host = hostFor(fns.echo, { PATH: process.env.PATH ?? '', ONLY_THIS: 'yes' }, 1, { bundles });

    // Act
    const result = await host.invoke({ hello: 'bundle' });

    // Assess
    const value = (result.ok ? result.value : {}) as {
      event: unknown;
      env: Record<string, string>;
      cwd: string;
    };
    expect(value.event).toEqual({ hello: 'bundle' });
    expect(value.env.ONLY_THIS).toBe('yes');
    expect(value.env.HOME).toBeUndefined();
    expect(value.cwd).toBe(FIXTURE_DIR);
  }, 30_000);

  it('reports a thrown error with a stack trace that names the TypeScript source', async () => {
    // Prepare
    const host = hostFor(fns.http, undefined, 1, { bundles });

    // Act
    const failed = await host.invoke({ queryStringParameters: { crash: '1' } });

    // Assess
    expect(failed).toMatchObject({
      ok: false,
      error: { errorType: 'Error', errorMessage: 'crash requested' },
    });
    const stack = failed.ok ? [] : (failed.error.stackTrace ?? []);
    expect(stack.join('\n')).toMatch(/routing-service\/src\/handlers\/http\.ts:\d+/);
  }, 30_000);

  it('starts a burst’s environments in parallel, so all of them run at once', async () => {
    // Prepare
    const host = hostFor(fns.echo, { PATH: process.env.PATH ?? '' }, 4, { bundles, maxColdStarts: 4 });

    // Act
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => host.invoke({ i, sleepMs: 4000 })));

    // Assess
    const runs = runsOf(results);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(4);
    expect(peakOverlap(runs)).toBe(4);
  }, 60_000);

  it('allows ten environments per function by default, as issue 17 asks (ADR 0013)', () => {
    expect(hostFor(fns.echo, { PATH: process.env.PATH ?? '' }, undefined, { bundles }).maxConcurrency).toBe(
      10,
    );
  });

  it('warms as many environments as asked before the first invocation, within maxConcurrency', async () => {
    // Prepare
    const host = hostFor(fns.echo, { PATH: process.env.PATH ?? '' }, 3, { bundles });

    // Act
    const error = await host.warm(5);
    const results = await Promise.all(Array.from({ length: 3 }, () => host.invoke({ sleepMs: 500 })));

    // Assess: three ready environments served the burst, and no cold start was needed for it
    expect(error).toBeUndefined();
    expect(host.environments).toBe(3);
    expect(new Set(runsOf(results).map((r) => r.pid)).size).toBe(3);
    expect(peakOverlap(runsOf(results))).toBe(3);
  }, 60_000);

  it('grows to ten environments with a limit of ten and queues the rest of a burst behind them', async () => {
    // Prepare
    const host = hostFor(fns.echo, { PATH: process.env.PATH ?? '' }, 10, {
      bundles,
      maxColdStarts: 10,
    });

    // Act
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => host.invoke({ i, sleepMs: 2000 })),
    );

    // Assess
    const runs = runsOf(results);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(host.maxConcurrency).toBe(10);
    expect(new Set(runs.map((r) => r.pid)).size).toBe(10);
    expect(peakOverlap(runs)).toBeLessThanOrEqual(10);
    expect(host.environments).toBe(10);
  }, 90_000);

  it('starts one environment at a time by default, and as many as maxColdStarts allows', async () => {
    // Prepare
    const serial = hostFor(fns.echo, { PATH: process.env.PATH ?? '' }, 3, { bundles });
    const parallel = hostFor(fns.echo, { PATH: process.env.PATH ?? '' }, 3, { bundles, maxColdStarts: 3 });

    // Act
    const burst = (host: FunctionHost) => Array.from({ length: 3 }, () => host.invoke({ sleepMs: 500 }));
    const running = [...burst(serial), ...burst(parallel)];
    const startingAtOnce = { serial: serial.environments, parallel: parallel.environments };
    const results = await Promise.all(running);

    // Assess
    expect(startingAtOnce).toEqual({ serial: 1, parallel: 3 });
    expect(results.every((r) => r.ok)).toBe(true);
  }, 60_000);

  it('refuses to start when a handler cannot be bundled, naming the file', async () => {
    // Prepare
    const missing = fixtureFunction('echo', { handlerFile: `${FIXTURE_DIR}/src/handlers/missing.ts` });

    // Act
    const attempt = bundleWorkers([missing], cacheDir, REPO_ROOT);

    // Assess
    await expect(attempt).rejects.toThrow(BundleError);
    await expect(attempt).rejects.toThrow(/missing\.ts/);
  }, 30_000);
});
