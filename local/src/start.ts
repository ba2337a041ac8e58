/**
 * `npm start`: the whole system on this machine, in the foreground, until Ctrl-C.
 * Options: --no-schedules (or LOCAL_SCHEDULES=off), SIM_BOOT_DELAY_MS=<ms>, SIM_PHONE_HOME=off,
 * LOCAL_PREWARM=all|http|none, LOCAL_CONCURRENCY=<n> (concurrent invocations per function, default 10 as Lambda-like; 1 on an overloaded machine),
 * LOCAL_BUNDLES=off (workers run the TypeScript sources through tsx instead of esbuild bundles, ADR 0016),
 * BRANCH_ENVS_STATE_DIR=<dir> (where endpoints.json and the function logs go; default <repo>/.local-state),
 * --faults <rate|dep=rate,…> (the fault layer in front of aws, github, slack and instance; ADR 0017).
 */
import {
  describeRates,
  FAULTS_VISIBILITY_SECONDS,
  type FaultRates,
  faultsArgument,
  parseFaultSpec,
} from './faults/faultSpec';
import { DEFAULT_STATE_DIR, type LocalStack, startLocalStack } from './stack/localStack';
import {
  endpointBanner,
  printStamped,
  stamped,
  summariseResources,
  terminalFunctionLog,
} from './stack/terminalOutput';

// The machines run Node 20 while Lambda runs 22 (ADR 0001); the SDK's reminder is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (line: string) => printStamped(`[${elapsed()}] ${line}`);

const stateDir = process.env.BRANCH_ENVS_STATE_DIR ?? DEFAULT_STATE_DIR;
const schedulesEnabled = !process.argv.includes('--no-schedules') && process.env.LOCAL_SCHEDULES !== 'off';
const prewarm = (process.env.LOCAL_PREWARM ?? 'all') as 'all' | 'http' | 'none';
const bootDelay = process.env.SIM_BOOT_DELAY_MS ? Number(process.env.SIM_BOOT_DELAY_MS) : undefined;
const concurrency = process.env.LOCAL_CONCURRENCY ? Number(process.env.LOCAL_CONCURRENCY) : undefined;
if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
  console.error(
    `LOCAL_CONCURRENCY must be a whole number of at least 1, not ${process.env.LOCAL_CONCURRENCY}`,
  );
  process.exit(2);
}

const faultRates = ((): FaultRates | undefined => {
  try {
    const spec = faultsArgument(process.argv);
    return spec === undefined ? undefined : parseFaultSpec(spec);
  } catch (error) {
    console.error((error as Error).message);
    return process.exit(2);
  }
})();

let stack: LocalStack | undefined;
let stopping = false;

const shutdown = async (signal: string): Promise<void> => {
  if (stopping) {
    console.error(stamped(`${signal} again: exiting without waiting`));
    process.exit(1);
  }
  stopping = true;
  // Still starting: main() stops the stack as soon as start-up returns (or has cleaned up after itself).
  if (!stack) return log(`${signal}: stopping as soon as start-up can be unwound…`);
  log(`${signal}: stopping the local stack…`);
  await stack.stop();
  log('stopped; nothing left running');
  process.exit(0);
};

const main = async (): Promise<void> => {
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  log('starting the branch-envs local stack');
  if (faultRates) log(`fault layer on: ${describeRates(faultRates)} of requests get a fault`);
  stack = await startLocalStack({
    stateDir,
    schedules: schedulesEnabled,
    bootDelayMs: bootDelay,
    ...(concurrency !== undefined ? { maxConcurrency: concurrency } : {}),
    ...(process.env.LOCAL_BUNDLES === 'off' ? { bundles: false } : {}),
    phoneHome: process.env.SIM_PHONE_HOME !== 'off',
    prewarm,
    ...(faultRates ? { faults: { rates: faultRates }, maxVisibilitySeconds: FAULTS_VISIBILITY_SECONDS } : {}),
    log,
    functionLog: terminalFunctionLog(stateDir),
    slackPrint: printStamped,
  });
  if (stopping) {
    await stack.stop();
    log('stopped; nothing left running');
    process.exit(0);
  }
  printStamped('Resources from the packaged templates:');
  for (const line of summariseResources(stack.stacks.flatMap((s) => s.report))) printStamped(line);
  if (!schedulesEnabled)
    printStamped('Schedules are off: fire one with `npx branch-envs local fire <schedule>`.');
  printStamped(endpointBanner(stack.endpoints, Date.now() - started));
};

main().catch((error: Error) => {
  if (stopping) {
    log('start-up interrupted; everything it had started is stopped');
    process.exit(0);
  }
  console.error(stamped(`local stack failed to start: ${error.message}`));
  process.exit(1);
});
