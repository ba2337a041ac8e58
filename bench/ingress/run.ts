/**
 * Benchmarks slack-ingress against the budgets of docs/architecture.md §10 (not a test; run it by hand or in CI):
 *
 *   npx tsx bench/ingress/run.ts [--warm 1200] [--cold 10]
 *
 * 1. Bundles the handler with esbuild exactly as serverless-esbuild does, with the options from
 *    services/slack-ingress/serverless.yml, and reports its size. Two variants are built for
 *    comparison only, with the AWS SDK bundled (CommonJS and ESM builds of the SDK; ADR 0003).
 * 2. Starts moto with the bus and the signing secret.
 * 3. Warm: one fresh `node` process requires the bundle, then sends >= 1,000 signed `/deploy login`
 *    requests (PutEvents to moto); p50 / p99 of the handler call.
 * 4. Cold: ~10 fresh `node` processes each require the bundle and invoke it once; medians of the
 *    require time and of the first invocation (SSM read + PutEvents).
 * Prints a table, writes bench/results/ingress.json (gitignored), exits 1 if a budget is missed.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';
import { motoClientConfig, startMoto } from '../../local/src/aws/moto';
import { createPlatformTable } from '../../tests/helpers/tables';

const root = join(__dirname, '..', '..');
const serviceDir = join(root, 'services', 'slack-ingress');
const resultsDir = join(root, 'bench', 'results');
const STAGE = 'bench';
const SECRET = 'bench-signing-secret-not-for-production';
const BUDGET = { warmP99Ms: 20, coldInitMs: 150, bundleBytes: 200 * 1024 };

const argValue = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** serverless-esbuild's own option names, which it strips before calling esbuild (dist/bundle.js). */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'plugins',
];

interface ServiceBuild {
  options: BuildOptions;
  exclude: string[];
  entry: string;
}

/** custom.esbuild and the handler path from serverless.yml, as serverless-esbuild reads them. */
const serviceBuild = (): ServiceBuild => {
  const doc = parse(readFileSync(join(serviceDir, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    custom: { esbuild: Record<string, unknown> };
    functions: Record<string, { handler: string }>;
  };
  const custom = doc.custom.esbuild;
  const options = Object.fromEntries(
    Object.entries(custom).filter(([key]) => !PLUGIN_ONLY_OPTIONS.includes(key)),
  );
  const exclude = Array.isArray(custom.exclude) ? custom.exclude.map(String) : ['aws-sdk'];
  const handler = Object.values(doc.functions)[0]?.handler ?? '';
  const entry = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`;
  return { options: options as BuildOptions, exclude, entry };
};

interface Bundle {
  variant: string;
  path: string;
  bytes: number;
  gzipBytes: number;
}

const bundle = async (
  variant: string,
  spec: ServiceBuild,
  change: Partial<ServiceBuild> = {},
): Promise<Bundle> => {
  const { options, exclude, entry } = { ...spec, ...change };
  const outdir = join(resultsDir, 'ingress-bundle', variant);
  await build({
    ...options,
    bundle: true,
    platform: 'node',
    absWorkingDir: serviceDir,
    entryPoints: [entry],
    outdir: join(outdir, 'src', 'handlers'),
    external: exclude.includes('*') ? [] : exclude,
    logLevel: 'warning',
  });
  const path = join(outdir, entry.replace(/\.ts$/, '.js'));
  return { variant, path, bytes: statSync(path).size, gzipBytes: gzipSync(readFileSync(path)).length };
};

interface ProbeResult {
  requireMs: number;
  requireCpuMs: number;
  firstInvokeMs: number;
  firstInvokeCpuMs: number;
  /** Wall time of each handler call, and the CPU the handler's process spent in it (moto excluded). */
  samples: { ms: number; cpuMs: number; kind: 'deploy' | 'help' }[];
  failures: number;
  firstStatus?: number;
}

const probe = (
  bundlePath: string,
  mode: 'cold' | 'warm',
  iterations: number,
  env: NodeJS.ProcessEnv,
): Promise<ProbeResult> =>
  new Promise((resolve, reject) => {
    // Handler logs go to /dev/null, as they would to CloudWatch; only the IPC message is read.
    const child = fork(join(__dirname, 'probe.cjs'), [bundlePath, mode, String(iterations)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result: ProbeResult | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('message', (message) => {
      result = message as ProbeResult;
    });
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`probe exited with ${code}: ${stderr.slice(-2000)}`)),
    );
  });

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const median = (values: readonly number[]): number => percentile(values, 50);
const round = (n: number): number => Math.round(n * 100) / 100;

const prepareMoto = async (endpoint: string) => {
  const aws = motoClientConfig(endpoint);
  const busName = `branch-envs-${STAGE}-bus`;
  const secretParam = `/branch-envs/${STAGE}/slack/signing-secret`;
  await new EventBridgeClient(aws).send(new CreateEventBusCommand({ Name: busName }));
  await new SSMClient(aws).send(
    new PutParameterCommand({ Name: secretParam, Type: 'SecureString', Value: SECRET, Overwrite: true }),
  );
  // `/deploy` writes its REQUESTED record before it publishes (ADR 0009): the platform's own table.
  const deploymentsTable = await createPlatformTable(new DynamoDBClient(aws), 'DeploymentsTable');
  return { busName, secretParam, deploymentsTable };
};

/** The function's environment as the packaged template declares it, plus what Lambda and moto need. */
const handlerEnv = (
  endpoint: string,
  { busName, secretParam, deploymentsTable }: Awaited<ReturnType<typeof prepareMoto>>,
): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  STAGE,
  POWERTOOLS_SERVICE_NAME: 'slack-ingress',
  EVENT_BUS_NAME: busName,
  DEPLOYMENTS_TABLE: deploymentsTable,
  SIGNING_SECRET_PARAM: secretParam,
  BOT_TOKEN_PARAM: `/branch-envs/${STAGE}/slack/bot-token`,
  DEPLOY_COMMAND: '/deploy',
  TERMINATE_COMMAND: '/terminate',
  ALLOWED_USERS: 'U0LOCAL1',
  ADMIN_USERS: 'U0ADMIN1',
  DEFAULT_TTL: '4h',
  MAX_TTL: '2d',
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: 'eu-north-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  BENCH_SIGNING_SECRET: SECRET,
});

/**
 * How long an empty `node` takes to start here, as a yardstick: on a shared, loaded machine every
 * wall time stretches, and this says by how much compared with a workstation (~40 ms).
 */
const nodeStartupMs = (runs: number): number => {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return round(median(times));
};

const coldRuns = async (bundlePath: string, runs: number, env: NodeJS.ProcessEnv) => {
  const results: ProbeResult[] = [];
  for (let i = 0; i < runs; i += 1) results.push(await probe(bundlePath, 'cold', 1, env));
  const requireMs = median(results.map((r) => r.requireMs));
  const firstInvokeMs = median(results.map((r) => r.firstInvokeMs));
  const totalMs = median(results.map((r) => r.requireMs + r.firstInvokeMs));
  const totalCpuMs = median(results.map((r) => r.requireCpuMs + r.firstInvokeCpuMs));
  const failures = results.reduce((sum, r) => sum + r.failures, 0);
  return {
    runs,
    requireMs: round(requireMs),
    firstInvokeMs: round(firstInvokeMs),
    totalMs: round(totalMs),
    requireCpuMs: round(median(results.map((r) => r.requireCpuMs))),
    firstInvokeCpuMs: round(median(results.map((r) => r.firstInvokeCpuMs))),
    totalCpuMs: round(totalCpuMs),
    failures,
  };
};

const main = async () => {
  const warmIterations = argValue('warm', 1200);
  const coldCount = argValue('cold', 10);
  mkdirSync(resultsDir, { recursive: true });

  const spec = serviceBuild();
  const deployed = await bundle('deployed', spec);
  const withSdk = await bundle('sdk-bundled', spec, { exclude: [] });
  const withSdkEsm = await bundle('sdk-bundled-esm', spec, {
    exclude: [],
    options: { ...spec.options, mainFields: ['module', 'main'] },
  });

  const moto = await startMoto();
  try {
    const env = handlerEnv(moto.endpoint, await prepareMoto(moto.endpoint));
    const warm = await probe(deployed.path, 'warm', warmIterations, env);
    const deploys = warm.samples.filter((s) => s.kind === 'deploy').map((s) => s.ms);
    const deployCpu = warm.samples.filter((s) => s.kind === 'deploy').map((s) => s.cpuMs);
    const helps = warm.samples.filter((s) => s.kind === 'help').map((s) => s.ms);
    const cold = await coldRuns(deployed.path, coldCount, env);
    const coldSdkBundled = await coldRuns(withSdk.path, coldCount, env);
    const coldSdkBundledEsm = await coldRuns(withSdkEsm.path, coldCount, env);

    const report = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      machine: {
        cpus: cpus().length,
        loadAverage1m: round(loadavg()[0] ?? 0),
        emptyNodeStartupMs: nodeStartupMs(5),
      },
      bundle: { deployed, withSdk, withSdkEsm },
      warm: {
        deploy: {
          n: deploys.length,
          p50Ms: round(median(deploys)),
          p99Ms: round(percentile(deploys, 99)),
          maxMs: round(Math.max(...deploys)),
          cpuP50Ms: round(median(deployCpu)),
          cpuP99Ms: round(percentile(deployCpu, 99)),
        },
        help: { n: helps.length, p50Ms: round(median(helps)), p99Ms: round(percentile(helps, 99)) },
        failures: warm.failures,
      },
      cold,
      coldSdkBundled,
      coldSdkBundledEsm,
      budgets: {
        warmP99: { budgetMs: BUDGET.warmP99Ms, ok: percentile(deploys, 99) < BUDGET.warmP99Ms },
        coldInit: { budgetMs: BUDGET.coldInitMs, ok: cold.totalMs < BUDGET.coldInitMs },
        bundle: { budgetBytes: BUDGET.bundleBytes, ok: deployed.bytes < BUDGET.bundleBytes },
      },
    };
    writeFileSync(join(resultsDir, 'ingress.json'), `${JSON.stringify(report, null, 2)}\n`);

    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER BUDGET');
    console.table([
      {
        metric: 'bundle (deployed)',
        value: kb(deployed.bytes),
        budget: '< 200 KB',
        verdict: verdict(report.budgets.bundle.ok),
      },
      { metric: 'bundle gzip', value: kb(deployed.gzipBytes), budget: '', verdict: '' },
      { metric: 'bundle with AWS SDK inside', value: kb(withSdk.bytes), budget: '(comparison)', verdict: '' },
      {
        metric: 'bundle with AWS SDK inside, ESM',
        value: kb(withSdkEsm.bytes),
        budget: '(comparison)',
        verdict: '',
      },
      {
        metric: `warm p50, /deploy (n=${deploys.length})`,
        value: `${report.warm.deploy.p50Ms} ms`,
        budget: '',
        verdict: '',
      },
      {
        metric: 'warm p99, /deploy',
        value: `${report.warm.deploy.p99Ms} ms`,
        budget: '< 20 ms',
        verdict: verdict(report.budgets.warmP99.ok),
      },
      {
        metric: 'warm handler CPU p50 / p99, /deploy',
        value: `${report.warm.deploy.cpuP50Ms} / ${report.warm.deploy.cpuP99Ms} ms`,
        budget: '',
        verdict: '',
      },
      {
        metric: `warm p50 / p99, /deploy help (n=${helps.length})`,
        value: `${report.warm.help.p50Ms} / ${report.warm.help.p99Ms} ms`,
        budget: '',
        verdict: '',
      },
      {
        metric: `cold: require (median of ${cold.runs})`,
        value: `${cold.requireMs} ms`,
        budget: '',
        verdict: '',
      },
      { metric: 'cold: first invocation', value: `${cold.firstInvokeMs} ms`, budget: '', verdict: '' },
      {
        metric: 'cold init (require + first)',
        value: `${cold.totalMs} ms`,
        budget: '< 150 ms',
        verdict: verdict(report.budgets.coldInit.ok),
      },
      {
        metric: 'cold init CPU (require + first)',
        value: `${cold.totalCpuMs} ms (require ${cold.requireCpuMs})`,
        budget: '',
        verdict: '',
      },
      {
        metric: 'cold init, SDK bundled',
        value: `${coldSdkBundled.totalMs} ms (CPU ${coldSdkBundled.totalCpuMs})`,
        budget: '(comparison)',
        verdict: '',
      },
      {
        metric: 'cold init, SDK bundled, ESM',
        value: `${coldSdkBundledEsm.totalMs} ms (CPU ${coldSdkBundledEsm.totalCpuMs})`,
        budget: '(comparison)',
        verdict: '',
      },
      {
        metric: 'failed requests',
        value: String(warm.failures + cold.failures + coldSdkBundled.failures + coldSdkBundledEsm.failures),
        budget: '0',
        verdict: '',
      },
    ]);
    console.log(
      `load average (1 min) ${report.machine.loadAverage1m} on ${report.machine.cpus} CPUs; an empty node starts in ` +
        `${report.machine.emptyNodeStartupMs} ms here; wall times stretch with load`,
    );
    console.log(`wrote ${join('bench', 'results', 'ingress.json')}`);
    const allOk = Object.values(report.budgets).every((b) => b.ok) && warm.failures + cold.failures === 0;
    process.exitCode = allOk ? 0 : 1;
  } finally {
    await moto.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
