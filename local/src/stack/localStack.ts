import { type AwsClients, createAwsClients, LOCAL_REGION } from '../aws/clients';
import { freePort, type MotoServer, startMoto } from '../aws/moto';
import {
  functionEnvironment,
  type GithubTarget,
  githubTarget,
  LOCAL_ACCOUNT_ID,
  LOCAL_SECRETS,
  LOCAL_STAGE,
  localModeOverrides,
} from '../config/localEnv';
import type { FaultLayer, FaultLayerOptions } from '../faults/faultLayer';
import { startStackFaults } from '../faults/stackFaults';
import type { FunctionLog } from '../runner/functionHost';
import type { BodyEncoding } from '../runner/httpEvent';
import { seedLocalData } from '../seed/seedLocalData';
import { type DemoRepository, loadDemoRepository } from '../standins/githubDemo';
import { type GithubStandIn, startGithubStandIn } from '../standins/githubStandIn';
import type { LocalServer, RequestTap } from '../standins/httpServer';
import { type InstanceSimulator, startInstanceSimulator } from '../standins/instanceSimulator';
import { type RunCommandStandIn, startRunCommandStandIn } from '../standins/runCommand';
import { documentsInSsm } from '../standins/runCommandDocuments';
import { type SlackCatcher, startSlackCatcher } from '../standins/slackCatcher';
import { readPackagedStack } from '../templates/cfnTypes';
import { listServiceDirs, packageStale } from '../templates/packaging';
import { type AppliedStack, applyStack } from '../templates/templateApplier';
import { startControlServer } from './controlServer';
import { type LambdaRuntime, startLambdaRuntime } from './lambdaRuntime';
import { DEFAULT_STATE_DIR, removeEndpoints, type StackEndpoints, writeEndpoints } from './stateFile';

export interface LocalStackOptions {
  /** Service folders to apply, platform first; defaults to every services/* with a serverless.yml. */
  serviceDirs?: string[];
  /** Re-package stale templates first (default true). */
  package?: boolean;
  /** Use this moto instead of starting one (its lifetime is then the caller's). */
  motoEndpoint?: string;
  /** Fire schedules on their own clock (default true); tests fire them on demand instead. */
  schedules?: boolean;
  /** Start function workers ahead of the first invocation: HTTP functions, all, or none (default all). */
  prewarm?: 'all' | 'http' | 'none';
  /** Environments started ahead for each HTTP function (default `PREWARM_HTTP_ENVIRONMENTS`, at most maxConcurrency). */
  prewarmEnvironments?: number;
  bootDelayMs?: number;
  /** false: simulated instances never phone home, so only the provisioner's probes see them ready. */
  phoneHome?: boolean;
  maxVisibilitySeconds?: number;
  /** Concurrent invocations per function, each in its own worker (default 10, as `DEFAULT_CONCURRENCY`; ADR 0013). */
  maxConcurrency?: number;
  /** Workers start from esbuild bundles (default true, ADR 0016); false runs the sources through tsx. */
  bundles?: boolean;
  bodyEncoding?: BodyEncoding;
  /** Where endpoints.json goes; undefined to write none (tests running several stacks). */
  stateDir?: string | undefined;
  /** The repository the GitHub stand-in serves and whose artifacts are seeded (default local/demo/github.json). */
  demo?: DemoRepository;
  /** Extra function environment over the local-mode overrides (tests set e.g. NIGHTLY_TIME). */
  functionEnv?: Record<string, string>;
  /** The user's environment (GITHUB_TOKEN, GITHUB_REPO, …). */
  env?: Record<string, string | undefined>;
  log?(line: string): void;
  functionLog?: FunctionLog;
  slackPrint?(text: string): void;
  /** Sees every request the Slack and GitHub stand-ins hear, whole (tests scan them for secrets). */
  requestTap?: RequestTap;
  /** Put the fault layer between the functions and every dependency (ADR 0017). */
  faults?: Pick<FaultLayerOptions, 'rates' | 'crashes' | 'timeoutMs'>;
  /** One line per injected fault or crash, with its deployId when known (the chaos log). */
  faultLog?(line: string): void;
}

export interface LocalStack {
  endpoints: StackEndpoints;
  stacks: AppliedStack[];
  clients: AwsClients;
  slack: SlackCatcher;
  github?: GithubStandIn;
  simulator: InstanceSimulator;
  runCommand: RunCommandStandIn;
  runtime: LambdaRuntime;
  faults?: FaultLayer;
  stop(): Promise<void>;
}

type Stopper = () => Promise<void> | void;

const applyAll = async (
  serviceDirs: string[],
  motoEndpoint: string,
  httpApiUrl: string,
  clients: AwsClients,
) => {
  const account = {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    motoEndpoint,
    httpApiUrl,
    exports: new Map<string, string>(),
  };
  const applied: AppliedStack[] = [];
  for (const dir of serviceDirs) applied.push(await applyStack(readPackagedStack(dir), account, clients));
  return { applied, exports: account.exports };
};

const startMotoUnlessGiven = async (options: LocalStackOptions, stoppers: Stopper[]): Promise<string> => {
  if (options.motoEndpoint) return options.motoEndpoint;
  const moto: MotoServer = await startMoto();
  stoppers.push(() => moto.stop());
  return moto.endpoint;
};

/**
 * moto's start-up (seconds of Python imports) overlaps with packaging. Both are awaited even when one
 * fails, so a failed packaging never leaves a moto running that nobody will stop.
 */
const packageWhileMotoStarts = async (
  options: LocalStackOptions,
  serviceDirs: string[],
  stoppers: Stopper[],
): Promise<string> => {
  const [packaged, moto] = await Promise.allSettled([
    options.package === false ? Promise.resolve([]) : packageStale(serviceDirs, { log: options.log }),
    startMotoUnlessGiven(options, stoppers),
  ]);
  if (packaged.status === 'rejected') throw packaged.reason;
  if (moto.status === 'rejected') throw moto.reason;
  return moto.value;
};

const track = <T extends { stop(): Promise<void> }>(server: T, stoppers: Stopper[]): T => {
  stoppers.push(() => server.stop());
  return server;
};

/**
 * How many environments of each HTTP function are started before the stack reports ready: a burst of
 * five users' slash commands (the chaos run's senders) is then answered by warm environments while
 * the pool grows, instead of queueing behind serial cold starts (ADR 0013, amended 2026-12-03).
 */
export const PREWARM_HTTP_ENVIRONMENTS = 5;

const prewarm = async (
  runtime: LambdaRuntime,
  stacks: AppliedStack[],
  mode: LocalStackOptions['prewarm'],
  environments: number,
): Promise<void> => {
  if (mode === 'none') return;
  const http = new Set(stacks.flatMap((s) => s.routes.map((r) => r.functionName)));
  // HTTP functions first: Slack allows three seconds for an acknowledgement.
  await Promise.all([...http].map((name) => runtime.hosts.get(name)?.warm(environments)));
  if (mode === 'http') return;
  // The rest one at a time in the background, so start-up does not fight for two cores.
  void (async () => {
    for (const [name, host] of runtime.hosts) if (!http.has(name)) await host.warm();
  })();
};

interface StandIns {
  slack: SlackCatcher;
  github?: GithubStandIn;
  target: GithubTarget;
  simulator: InstanceSimulator;
  runCommand?: RunCommandStandIn;
}

const startStandIns = async (
  options: LocalStackOptions,
  clients: AwsClients,
  stoppers: Stopper[],
): Promise<StandIns> => {
  const env = options.env ?? process.env;
  const slack = track(
    await startSlackCatcher({
      botToken: LOCAL_SECRETS.botToken.value,
      print: options.slackPrint,
      tap: options.requestTap,
    }),
    stoppers,
  );
  const github = githubTarget('', env).real
    ? undefined
    : track(await startGithubStandIn({ tap: options.requestTap, demo: options.demo }), stoppers);
  const simulator = track(
    await startInstanceSimulator({
      ec2: clients.ec2,
      ssm: clients.ssm,
      s3: clients.s3,
      bootDelayMs: options.bootDelayMs,
      phoneHome: options.phoneHome,
      print: options.log,
    }),
    stoppers,
  );
  return { slack, github, target: githubTarget(github?.url ?? '', env), simulator };
};

/**
 * Run Command for the functions' SSM calls. It forwards the rest of SSM to the fault layer when
 * that is on, so parameter reads still meet its faults; Run Command itself gets none.
 */
const startRunCommand = async (
  standIns: StandIns,
  clients: AwsClients,
  upstream: string,
  stoppers: Stopper[],
  log: (line: string) => void,
): Promise<RunCommandStandIn> => {
  const runCommand = track(
    await startRunCommandStandIn({
      upstream,
      documents: documentsInSsm(clients.ssm),
      isOnline: (id) => standIns.simulator.isOnline(id),
      log,
    }),
    stoppers,
  );
  for (const [name, executor] of Object.entries(standIns.simulator.documents))
    runCommand.register(name, executor);
  return runCommand;
};

const endpointsOf = (
  motoEndpoint: string,
  httpApiUrl: string,
  standIns: StandIns,
  controlUrl: string,
): StackEndpoints => ({
  pid: process.pid,
  startedAt: new Date().toISOString(),
  region: LOCAL_REGION,
  motoEndpoint,
  httpApiUrl,
  ingressUrl: `${httpApiUrl}/slack/commands`,
  slackCatcherUrl: standIns.slack.url,
  githubUrl: standIns.target.apiUrl,
  githubReal: standIns.target.real,
  simulatorUrl: standIns.simulator.url,
  ...(standIns.runCommand ? { runCommandUrl: standIns.runCommand.url } : {}),
  controlUrl,
  signingSecretParameter: LOCAL_SECRETS.signingSecret.name,
  deploymentsTable: `branch-envs-${LOCAL_STAGE}-deployments`,
});

const startRuntime = (
  options: LocalStackOptions,
  stacks: AppliedStack[],
  standIns: StandIns,
  clients: AwsClients,
  motoEndpoint: string,
  httpPort: number,
  faults: FaultLayer | undefined,
) => {
  const overrides = {
    ...localModeOverrides({
      slackCatcherUrl: faults?.urls.slack ?? standIns.slack.url,
      simulatorUrl: faults?.urls.instanceHealth ?? standIns.simulator.url,
      github: { ...standIns.target, apiUrl: faults?.urls.github ?? standIns.target.apiUrl },
      ...(standIns.runCommand ? { runCommandUrl: standIns.runCommand.url } : {}),
    }),
    ...options.functionEnv,
  };
  return startLambdaRuntime({
    stacks,
    environmentOf: (fn) => functionEnvironment(fn, overrides, faults?.urls.aws ?? motoEndpoint, LOCAL_REGION),
    sqs: clients.sqs,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    httpPort,
    bodyEncoding: options.bodyEncoding ?? 'auto',
    maxVisibilitySeconds: options.maxVisibilitySeconds ?? 5,
    ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
    ...(options.bundles !== undefined ? { bundles: options.bundles } : {}),
    functionLog: options.functionLog ?? (() => undefined),
    log: options.log ?? (() => undefined),
  });
};

const launch = async (options: LocalStackOptions, stoppers: Stopper[]): Promise<Omit<LocalStack, 'stop'>> => {
  const log = options.log ?? (() => undefined);
  const serviceDirs = options.serviceDirs ?? listServiceDirs();
  const motoEndpoint = await packageWhileMotoStarts(options, serviceDirs, stoppers);
  log(`moto is up at ${motoEndpoint}`);
  const clients = createAwsClients(motoEndpoint);
  stoppers.push(() => clients.destroy());
  const basics = await startStandIns(options, clients, stoppers);
  const httpPort = await freePort();
  const httpApiUrl = `http://127.0.0.1:${httpPort}`;
  const faults =
    options.faults &&
    track(
      await startStackFaults(options.faults, { motoEndpoint, ...basics, httpApiUrl }, options.faultLog),
      stoppers,
    );
  // Instances phone home to the API endpoint the templates name: through the layer when it is on.
  const apiEndpoint = faults?.urls.phoneHome ?? httpApiUrl;
  const { applied: stacks, exports } = await applyAll(serviceDirs, motoEndpoint, apiEndpoint, clients);
  log(`applied ${stacks.map((s) => s.stackName).join(', ')}`);
  const standIns = {
    ...basics,
    runCommand: await startRunCommand(basics, clients, faults?.urls.aws ?? motoEndpoint, stoppers, log),
  };
  const seeded = await seedLocalData(
    clients,
    options.demo ?? loadDemoRepository(),
    standIns.target,
    LOCAL_REGION,
  );
  log(
    `seeded ${seeded.parameters.length} SSM secrets and ${seeded.objects} demo artifacts (missing on purpose: ${seeded.missing.join(', ')})`,
  );
  const runtime = await startRuntime(options, stacks, standIns, clients, motoEndpoint, httpPort, faults);
  stoppers.push(() => runtime.stop());
  const control = track<LocalServer>(
    await startControlServer(
      runtime,
      stacks.flatMap((s) => s.report),
      undefined,
      Object.fromEntries(exports),
    ),
    stoppers,
  );
  await prewarm(
    runtime,
    stacks,
    options.prewarm ?? 'all',
    options.prewarmEnvironments ?? PREWARM_HTTP_ENVIRONMENTS,
  );
  log(`runner: ${runtime.hosts.size} function(s), HTTP API at ${httpApiUrl}`);
  runtime.startPolling();
  if (options.schedules !== false) runtime.clock.start();
  const { slack, github, simulator, runCommand } = standIns;
  return {
    endpoints: endpointsOf(motoEndpoint, httpApiUrl, standIns, control.url),
    stacks,
    clients,
    slack,
    github,
    simulator,
    runCommand,
    runtime,
    ...(faults ? { faults } : {}),
  };
};

/**
 * Starts the whole system on this machine: moto as AWS, the packaged templates applied to it, the
 * Slack catcher, the GitHub stand-in (unless the real API is configured), the instance simulator, and
 * the runner playing Lambda. Everything listens on free loopback ports; `stop()` ends all of it, and
 * so does a failure part-way through start-up.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const stoppers: Stopper[] = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper();
    stoppers.length = 0;
  };
  try {
    const stack = await launch(options, stoppers);
    const stateDir = options.stateDir;
    if (stateDir) {
      writeEndpoints(stateDir, stack.endpoints);
      stoppers.push(() => removeEndpoints(stateDir));
    }
    return { ...stack, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

export { DEFAULT_STATE_DIR };
