/**
 * Cold start of a local execution environment, from the esbuild bundles (ADR 0016) and from the
 * TypeScript sources through tsx (before): fork → the worker's "ready" (handler module loaded), per
 * function, one at a time; then a burst of `--burst` environments of the ingress started at once.
 * Starts a local stack of its own for the functions' real environments, and stops it.
 *
 *   npx tsx bench/local/coldStart.ts [--trials 3] [--burst 4] [--out bench/results/cold-start.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type EnvironmentOptions, ExecutionEnvironment } from '../../local/src/runner/executionEnvironment';
import { type LocalStack, startLocalStack } from '../../local/src/stack/localStack';
import { REPO_ROOT } from '../../local/src/templates/packaging';
import { percentile } from '../pipeline/hops';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    burst: { type: 'string', default: '4' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'cold-start.json') },
  },
});
const TRIALS = Number(args.trials);
const BURST = Number(args.burst);

type Mode = 'bundle' | 'tsx';

const optionsFor = (base: EnvironmentOptions, mode: Mode): EnvironmentOptions => {
  const { bundle, ...rest } = base;
  return mode === 'bundle' && bundle
    ? { ...rest, bundle, log: () => undefined }
    : { ...rest, log: () => undefined };
};

/** fork → ready, in ms; an init error is a failed measurement, not a fast one. */
const coldStart = async (options: EnvironmentOptions): Promise<number> => {
  const started = Date.now();
  const environment = new ExecutionEnvironment(options);
  const error = await environment.ready;
  const ms = Date.now() - started;
  await environment.stop();
  if (error) throw new Error(`${options.fn.name}: ${error.errorType}: ${error.errorMessage}`);
  return ms;
};

const perFunction = async (stack: LocalStack, mode: Mode) => {
  const rows: Record<string, { p50: number | undefined; max: number | undefined }> = {};
  for (const [name, host] of stack.runtime.hosts) {
    const samples: number[] = [];
    for (let i = 0; i < TRIALS; i++) samples.push(await coldStart(optionsFor(host.environmentOptions, mode)));
    rows[name.replace('branch-envs-', '')] = { p50: percentile(samples, 50), max: percentile(samples, 100) };
  }
  return rows;
};

/** `BURST` environments of the ingress started together: when the last is ready. */
const burst = async (stack: LocalStack, mode: Mode): Promise<number> => {
  const ingress = [...stack.runtime.hosts.values()].find((h) => h.name.includes('ingress'));
  if (!ingress) throw new Error('no ingress function in the applied templates');
  const started = Date.now();
  await Promise.all(
    Array.from({ length: BURST }, () => coldStart(optionsFor(ingress.environmentOptions, mode))),
  );
  return Date.now() - started;
};

const main = async (): Promise<void> => {
  const stack = await startLocalStack({ stateDir: undefined, schedules: false, prewarm: 'none', env: {} });
  try {
    const result: Record<string, unknown> = { measuredAt: new Date().toISOString(), loadAverage: loadavg() };
    for (const mode of ['tsx', 'bundle'] as const) {
      result[mode] = {
        perFunction: await perFunction(stack, mode),
        [`burstOf${BURST}Ms`]: await burst(stack, mode),
      };
    }
    result.loadAverageAfter = loadavg();
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stack.stop();
  }
};

main().catch((error: Error) => {
  console.error(`cold-start bench failed: ${error.message}`);
  process.exitCode = 1;
});
