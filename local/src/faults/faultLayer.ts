import { type Crash, type CrashPlan, createCrashHook } from './crashHook';
import { awsOperationOf, type CallInfo } from './faultAnswers';
import { chooseFault } from './faultChoice';
import { type FaultProxy, startFaultProxy } from './faultProxy';
import { type Dependency, type FaultRates, NO_FAULTS } from './faultSpec';
import { deployIdOf } from './faultSubject';

/** The dependencies behind the layer; `instance` is both the apps' health checks and their phone-home. */
export interface FaultTargets {
  aws: string;
  github?: string;
  slack: string;
  /** The instance simulator, which the provisioner's probes call. */
  instanceHealth: string;
  /** The HTTP API, which instances phone home to. */
  phoneHome: string;
}

export interface FaultLayerOptions {
  targets: FaultTargets;
  rates: FaultRates;
  crashes?: CrashPlan;
  timeoutMs?: number;
  retryAfterSeconds?: number;
  pick?: () => number;
  /**
   * Called for every request the layer disturbed (a fault answer, reset, timeout or crash), with the
   * deployment it was about when the request names one: the chaos log's one line per fault.
   */
  onFault?: (fault: InjectedFault) => void;
  /** The deployId of an instance, so a health check's fault can be tied to its deployment. */
  instanceOwner?: (instanceId: string) => string | undefined;
}

/** One disturbed request. */
export interface InjectedFault {
  dependency: Dependency;
  operation: string;
  fault: string;
  deployId?: string;
}

/** The chaos log's line for one fault: `fault <dependency> <operation> <fault> deployId=<id|->`. */
export const faultLine = (f: InjectedFault): string =>
  `fault ${f.dependency} ${f.operation} ${f.fault} deployId=${f.deployId ?? '-'}`;

/** Per dependency, how many requests got each outcome (`none` = forwarded untouched). */
export type FaultCounts = Record<Dependency, Record<string, number>>;

export interface FaultLayer {
  /** The URLs the services use in place of the dependencies'. */
  urls: { aws: string; github?: string; slack: string; instanceHealth: string; phoneHome: string };
  rates(): FaultRates;
  setRates(rates: FaultRates): void;
  counts(): FaultCounts;
  crashes(): Crash[];
  /** Stops crashing workers (the drain). */
  stopCrashes(): void;
  stop(): Promise<void>;
}

const operationOf =
  (dependency: Dependency) =>
  (call: CallInfo): string =>
    dependency === 'aws' ? awsOperationOf(call) : `${call.method} ${call.path.split('?')[0]}`;

/**
 * Starts one fault-injecting proxy per dependency (ADR 0017). Rates can change while it runs, so a
 * benchmark can turn faults off for its drain.
 */
export const startFaultLayer = async (options: FaultLayerOptions): Promise<FaultLayer> => {
  let rates = { ...options.rates };
  let crashing = options.crashes !== undefined;
  const counts: FaultCounts = { aws: {}, github: {}, slack: {}, instance: {} };
  const crashes: Crash[] = [];
  const proxies: FaultProxy[] = [];
  const start = async (dependency: Dependency, target: string): Promise<FaultProxy> => {
    let afterForward: ReturnType<typeof createCrashHook> | undefined;
    const proxy = await startFaultProxy({
      dependency,
      target,
      operationOf: operationOf(dependency),
      chooseFault: (call) =>
        chooseFault(dependency, rates[dependency], call, options.pick, options.retryAfterSeconds),
      timeoutMs: options.timeoutMs ?? 3000,
      afterForward: (call, socket) =>
        crashing && afterForward ? afterForward(call, socket) : Promise.resolve(false),
      onCall: ({ fault, operation, call }) => {
        counts[dependency][fault] = (counts[dependency][fault] ?? 0) + 1;
        if (fault === 'none' || !options.onFault) return;
        const deployId = deployIdOf(call, options.instanceOwner, dependency === 'slack');
        options.onFault({ dependency, operation, fault, ...(deployId ? { deployId } : {}) });
      },
    });
    if (options.crashes)
      afterForward = createCrashHook(dependency, options.crashes, proxy.port, (c) => crashes.push(c));
    proxies.push(proxy);
    return proxy;
  };
  try {
    const { targets } = options;
    const aws = await start('aws', targets.aws);
    const github = targets.github ? await start('github', targets.github) : undefined;
    const slack = await start('slack', targets.slack);
    const instanceHealth = await start('instance', targets.instanceHealth);
    const phoneHome = await start('instance', targets.phoneHome);
    const urls = {
      aws: aws.url,
      slack: slack.url,
      instanceHealth: instanceHealth.url,
      phoneHome: phoneHome.url,
    };
    return {
      urls: github ? { ...urls, github: github.url } : urls,
      rates: () => ({ ...rates }),
      setRates: (next) => {
        rates = { ...next };
      },
      counts: () => structuredClone(counts),
      crashes: () => [...crashes],
      stopCrashes: () => {
        crashing = false;
      },
      stop: async () => {
        await Promise.all(proxies.map((p) => p.stop()));
      },
    };
  } catch (error) {
    await Promise.all(proxies.map((p) => p.stop()));
    throw error;
  }
};

export { NO_FAULTS };
