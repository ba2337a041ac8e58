import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { HEALTH_PATH, LOCAL_STAGE } from '../config/localEnv';
import { fetchAppSecrets, type ReceivedSecrets } from './appSecretsClient';
import { type Answer, type LocalServer, listen, send } from './httpServer';
import {
  deployDocumentOfInstance,
  type PhoneHomeTarget,
  phoneHomeTargetFrom,
  reportReady,
} from './phoneHomeClient';
import type { Executor } from './runCommandTypes';
import { bootBuildOf } from './simulatedBuild';
import { simulatedLogs } from './simulatedLogs';
import { simulatedUpdate, type UpdatableInstance } from './simulatedUpdate';

/** The update document of the local stage (the provisioner's `UpdateDocument`, ADR 0021). */
export const UPDATE_DOCUMENT_NAME = `branch-envs-${LOCAL_STAGE}-update`;
/** The logs document of the local stage (the provisioner's `LogsDocument`, ADR 0030). */
export const LOGS_DOCUMENT_NAME = `branch-envs-${LOCAL_STAGE}-logs`;

export interface InstanceSimulatorOptions {
  ec2: EC2Client;
  /**
   * When set, each instance reads its app's secrets from SSM as fetch-secrets.sh does at boot, and
   * its health answer names them with the SHA-256 of each value (never the value). A read that
   * fails fails the boot at `fetch-secrets`, reported by phone-home, as on a real instance.
   */
  ssm?: SSMClient;
  /**
   * When set, instances read their build's head SHA from their artifacts' metadata at boot, and run
   * the update document as branch-envs-update.sh does (fetching the new build from S3).
   */
  s3?: S3Client;
  /** How long the app takes to start on an update (default 300 ms). */
  restartMs?: number;
  /** How long an update waits for the new build's health before rolling back (default 2000 ms). */
  updateHealthTimeoutMs?: number;
  port?: number;
  /** How long a new instance answers 503 before it turns healthy (`SIM_BOOT_DELAY_MS`, default 2000). */
  bootDelayMs?: number;
  healthPath?: string;
  pollIntervalMs?: number;
  /**
   * Phone home as bootstrap.sh does, when the instance's user data asks for it (default true;
   * `SIM_PHONE_HOME=off` plays instances that cannot reach the API, leaving readiness to the probes).
   */
  phoneHome?: boolean;
  print?(text: string): void;
}

export interface SimulatedInstance extends UpdatableInstance {
  instanceId: string;
  deployId?: string;
  branch?: string;
  firstSeen: number;
  /** Where and how the instance reports, from the deploy.json in its user data. */
  phoneHome?: PhoneHomeTarget;
  /** Its user data has been read (and its secrets fetched): the boot can end. */
  loaded?: boolean;
  /** The app's secrets as received: names and SHA-256 of each value. */
  secrets?: ReceivedSecrets;
  /** The boot step that failed, if one did. */
  failedStep?: string;
  /** Its deploy.json, from its user data. */
  document?: Record<string, unknown>;
}

export interface InstanceSimulator extends LocalServer {
  instances(): SimulatedInstance[];
  /** Re-reads EC2 now instead of waiting for the next poll. */
  refresh(): Promise<void>;
  /** Whether the instance's SSM agent would take a command: running, managed, its user data read. */
  isOnline(instanceId: string): Promise<boolean>;
  /** The scripts its SSM agent runs, by document name, for the Run Command stand-in (logs always; the update with `s3`). */
  documents: Record<string, Executor>;
}

const tag = (instance: Instance, key: string): string | undefined =>
  instance.Tags?.find((t) => t.Key === key)?.Value;

const listRunning = async (ec2: EC2Client): Promise<Instance[]> => {
  const found: Instance[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:ManagedBy', Values: ['branch-envs'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
        NextToken: token,
      }),
    );
    for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []));
    token = page.NextToken;
  } while (token);
  return found;
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const landingPage = (instance: SimulatedInstance): Answer => {
  const branch = escapeHtml(instance.branch ?? '?');
  const html = `<!doctype html><title>${branch}</title><h1>branch-envs demo app</h1><p>Branch <b>${branch}</b> on simulated instance ${instance.instanceId}.</p>`;
  return { status: 200, body: html, text: true, headers: { 'content-type': 'text/html; charset=utf-8' } };
};

/** The instances the simulator answers for, kept in step with moto's EC2. */
class Fleet {
  private readonly known = new Map<string, SimulatedInstance>();
  private readonly phoned = new Set<string>();
  /** Aborted on stop: pending phone-home retries end with the simulator. */
  public readonly stopping = new AbortController();

  public constructor(private readonly options: InstanceSimulatorOptions & { bootDelayMs: number }) {}

  public get(id: string): SimulatedInstance | undefined {
    return this.known.get(id);
  }

  public list(): SimulatedInstance[] {
    return [...this.known.values()];
  }

  public isHealthy(instance: SimulatedInstance): boolean {
    return (
      instance.loaded === true &&
      instance.failedStep === undefined &&
      instance.appDown !== true &&
      instance.build?.broken !== true &&
      Date.now() - instance.firstSeen >= this.options.bootDelayMs
    );
  }

  /** What the boot reads: deploy.json from the user data (phone-home, secrets paths), then the secrets. */
  private async readUserData(entry: SimulatedInstance): Promise<void> {
    const print = (text: string) => this.options.print?.(`simulator: ${entry.instanceId} ${text}`);
    try {
      const document = await deployDocumentOfInstance(this.options.ec2, entry.instanceId);
      if (document) entry.document = document;
      entry.phoneHome = phoneHomeTargetFrom(document);
      if (this.options.s3) entry.build = await bootBuildOf(this.options.s3, document);
      if (this.options.ssm) await this.readSecrets(entry, this.options.ssm, document, print);
    } catch (error) {
      print(`cannot read its user data: ${(error as Error).message}`);
    }
    entry.loaded = true;
    if (entry.build?.broken && entry.failedStep === undefined) this.failStartApp(entry, print);
  }

  /**
   * A build that crashes on start: start-app.sh waits for health until its timeout and fails, and
   * bootstrap.sh reports `failed` at `start-app` (here after the boot delay and the update's health timeout).
   */
  private failStartApp(entry: SimulatedInstance, print: (text: string) => void): void {
    const timer = setTimeout(
      () => {
        if (this.stopping.signal.aborted || !this.known.has(entry.instanceId)) return;
        entry.failedStep = 'start-app';
        print('failed at start-app: the app never became healthy');
        this.phoneHome(entry);
      },
      this.options.bootDelayMs + (this.options.updateHealthTimeoutMs ?? 2000),
    );
    this.stopping.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }

  private async readSecrets(
    entry: SimulatedInstance,
    ssm: SSMClient,
    document: Record<string, unknown> | undefined,
    print: (text: string) => void,
  ): Promise<void> {
    try {
      entry.secrets = await fetchAppSecrets(ssm, document);
      if (entry.secrets)
        print(`received app secrets: ${Object.keys(entry.secrets).sort().join(', ') || 'none'}`);
    } catch (error) {
      // The error's name only: the boot log on a real instance names the failure, never a value.
      entry.failedStep = 'fetch-secrets';
      print(`failed at fetch-secrets: ${(error as Error).name}`);
      this.phoneHome(entry);
    }
  }

  public async refresh(): Promise<void> {
    const running = await listRunning(this.options.ec2);
    const ids = new Set(running.map((i) => i.InstanceId ?? ''));
    for (const id of this.known.keys()) if (!ids.has(id)) this.known.delete(id);
    for (const instance of running) this.track(instance);
  }

  private track(instance: Instance): void {
    const id = instance.InstanceId ?? '';
    let entry = this.known.get(id);
    if (!entry) {
      entry = {
        instanceId: id,
        deployId: tag(instance, 'DeployId'),
        branch: tag(instance, 'Branch'),
        firstSeen: Date.now(),
      };
      this.known.set(id, entry);
      void this.readUserData(entry);
      this.options.print?.(
        `simulator: ${id} (${entry.branch ?? 'no Branch tag'}) is booting; healthy in ${this.options.bootDelayMs} ms`,
      );
    }
    if (this.isHealthy(entry)) this.phoneHome(entry);
  }

  private phoneHome(instance: SimulatedInstance): void {
    const target = instance.phoneHome;
    if (!target || this.options.phoneHome === false || this.phoned.has(instance.instanceId)) return;
    this.phoned.add(instance.instanceId);
    const options = { signal: this.stopping.signal, failedStep: instance.failedStep };
    void reportReady(instance.instanceId, target, options).then(
      (status) => this.options.print?.(`simulator: ${instance.instanceId} phoned home (HTTP ${status})`),
      (error: Error) => {
        if (this.stopping.signal.aborted) return;
        this.options.print?.(`simulator: phone-home for ${instance.instanceId} failed: ${error.message}`);
      },
    );
  }
}

const stateOf = (instance: SimulatedInstance, healthy: boolean): string => {
  if (healthy) return 'ok';
  if (instance.failedStep) return 'failed';
  if (instance.appDown) return 'restarting';
  return instance.build?.broken ? 'crashed' : 'booting';
};

/** The health answer names the build it runs (head SHA), so a test sees which build answers. */
const healthAnswer = (instance: SimulatedInstance, healthy: boolean): Answer => ({
  status: healthy ? 200 : 503,
  body: {
    status: stateOf(instance, healthy),
    instanceId: instance.instanceId,
    branch: instance.branch,
    headSha: instance.build?.headSha ?? null,
    reseeds: instance.reseeds ?? 0,
    secrets: instance.secrets ?? null,
  },
});

const answerFor = (fleet: Fleet, rawPath: string, healthPath: string): Answer => {
  // Tolerate `<url>/` + `/health` joins: collapse repeated slashes.
  const [, instanceId = '', ...rest] = rawPath.replace(/\/{2,}/g, '/').split('/');
  const instance = fleet.get(instanceId);
  if (!instance) return { status: 404, body: { error: 'unknown instance', instanceId } };
  const healthy = fleet.isHealthy(instance);
  if (`/${rest.join('/')}` === healthPath) return healthAnswer(instance, healthy);
  return healthy ? landingPage(instance) : { status: 503, body: { status: 'booting', instanceId } };
};

const documentsOf = (
  fleet: Fleet,
  options: InstanceSimulatorOptions & { bootDelayMs: number },
): Record<string, Executor> => {
  const logs = simulatedLogs({
    instance: (id) => fleet.get(id),
    ...(options.ssm ? { ssm: options.ssm } : {}),
    bootDelayMs: options.bootDelayMs,
  });
  const { s3 } = options;
  if (!s3) return { [LOGS_DOCUMENT_NAME]: logs };
  const update = simulatedUpdate({
    s3,
    instance: (id) => fleet.get(id),
    deployDocument: async (id) => fleet.get(id)?.document ?? deployDocumentOfInstance(options.ec2, id),
    ...(options.restartMs !== undefined ? { restartMs: options.restartMs } : {}),
    ...(options.updateHealthTimeoutMs !== undefined
      ? { healthTimeoutMs: options.updateHealthTimeoutMs }
      : {}),
  });
  return { [UPDATE_DOCUMENT_NAME]: update, [LOGS_DOCUMENT_NAME]: logs };
};

/**
 * moto's instances never serve HTTP. The simulator answers for every running instance tagged
 * `ManagedBy=branch-envs`, under `/<instanceId>/`: the health path is 503 until the boot delay has
 * passed since the instance was first seen, then 200; unknown or terminated instances get 404.
 */
export const startInstanceSimulator = async (
  options: InstanceSimulatorOptions,
): Promise<InstanceSimulator> => {
  const settings = { ...options, bootDelayMs: options.bootDelayMs ?? 2000 };
  const fleet = new Fleet(settings);
  const healthPath = options.healthPath ?? HEALTH_PATH;
  let polling = true;
  const loop = (async () => {
    while (polling) {
      await fleet.refresh().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 500));
    }
  })();
  const server = await listen((req, res) => {
    send(res, answerFor(fleet, new URL(req.url ?? '/', 'http://sim').pathname, healthPath));
  }, options.port);
  return {
    url: server.url,
    port: server.port,
    instances: () => fleet.list(),
    refresh: () => fleet.refresh(),
    isOnline: async (instanceId) => {
      if (!fleet.get(instanceId)) await fleet.refresh();
      return fleet.get(instanceId)?.loaded === true;
    },
    documents: documentsOf(fleet, settings),
    stop: async () => {
      polling = false;
      fleet.stopping.abort();
      await loop;
      await server.stop();
    },
  };
};
