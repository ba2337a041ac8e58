import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { Build } from '@branch-envs/shared/events/build';
import type { UpdateFailureReason } from '@branch-envs/shared/events/UpdateFailed';
import type { UpdateRefusalCode } from '@branch-envs/shared/events/UpdateRefused';
import type { UpdateRequested } from '@branch-envs/shared/events/UpdateRequested';
import type { ArtifactLinks, ArtifactSpec, HealthCheck, Log } from '../ports';

/**
 * The ports of an update in place (ADR 0021). The record writes are compare-and-swap on the
 * record's `updates` counter, so two deliveries, two builds or an update and a terminate never
 * both win.
 */
export interface UpdateStore {
  get(deployId: string): Promise<DeploymentRecord | undefined>;
  /** Live records of a branch, newest first (the branch GSI: eventually consistent, re-read before writing). */
  byBranch(branch: string): AsyncGenerator<DeploymentRecord>;
  /** READY, nothing running, `updates` unchanged: the update starts. Undefined when a condition failed. */
  begin(
    deployId: string,
    start: {
      id: string;
      build: Build;
      reseed: boolean;
      expectedUpdates: number;
      at: Date;
      /** Who asked with `/deploy update`, for the history entry. */
      requestedBy?: string;
    },
  ): Promise<DeploymentRecord | undefined>;
  /** An update runs: remember `build` for after it, unless a newer one waits already. False when it lost. */
  defer(deployId: string, defer: { build: Build; expectedUpdates: number; at: Date }): Promise<boolean>;
  attachCommand(deployId: string, sequence: number, commandId: string): Promise<boolean>;
  /**
   * Ends update `sequence`: the new build becomes what the record runs when it succeeded, and the
   * build that waited is handed back. Undefined when that update had already ended.
   */
  finish(
    deployId: string,
    end: { sequence: number; succeeded: boolean; step: string; note: string; at: Date },
  ): Promise<{ record: DeploymentRecord; pending?: Build } | undefined>;
}

/** What SSM says about one command on one instance. */
export type CommandResult =
  | { status: 'pending' }
  | {
      status: 'success' | 'failed' | 'timed_out' | 'cancelled' | 'undeliverable';
      /** The script's exit code; -1 when it never ran. */
      responseCode: number;
      /** The end of its standard output, for the log and the failure message. */
      output: string;
    };

/** SSM Run Command by document name with fixed parameters; nothing user-typed goes into a command. */
export interface RunCommand {
  send(request: {
    documentName: string;
    instanceId: string;
    parameters: Readonly<Record<string, string>>;
    timeoutSeconds: number;
    comment: string;
  }): Promise<string>;
  result(commandId: string, instanceId: string): Promise<CommandResult>;
}

/** The branch's artifacts as S3 has them now, with the head SHA CI wrote on them; `incomplete` otherwise. */
export interface BuildSource {
  current(branch: string): Promise<{ kind: 'complete'; build: Build } | { kind: 'incomplete'; why: string }>;
}

/** The delayed message that asks SSM how an update is going, on the provisioner's updates queue. */
export interface UpdateCheckMessage {
  kind: 'update-check';
  deployId: string;
  sequence: number;
  attempt: number;
  /** ISO time after which the command counts as timed out. */
  deadline: string;
}

export interface UpdateChecks {
  schedule(message: UpdateCheckMessage, delaySeconds: number): Promise<void>;
}

export type UpdateOutcome =
  | {
      kind: 'updated';
      record: DeploymentRecord;
      update: { build: Build; sequence: number; reseed: boolean; id: string };
      previous?: Build;
    }
  | {
      kind: 'failed';
      record: DeploymentRecord;
      update: { build: Build; sequence: number; id: string };
      reason: UpdateFailureReason;
      message: string;
      oldBuildRunning: boolean;
    };

/** A `/deploy update` that was not started, answered to whoever asked (ADR 0029). */
export interface UpdateRefusal {
  request: UpdateRequested;
  code: UpdateRefusalCode;
  message: string;
  runningHeadSha?: string;
}

export interface UpdateEvents {
  published(outcome: UpdateOutcome): Promise<void>;
  refused(refusal: UpdateRefusal): Promise<void>;
}

export interface UpdateSettings {
  stage: string;
  /** The SSM document that runs `branch-envs-update` on the instance. */
  documentName: string;
  /** Whether environments follow builds when the deploy did not say (`followBuilds`). */
  followByDefault: boolean;
  /** The update's health deadline on the instance, as for a boot. */
  bootTimeoutSeconds: number;
  checkIntervalSeconds: number;
  appUrlTemplate: string;
  healthPath: string;
  artifacts: readonly ArtifactSpec[];
  app: string;
  artifactBucket: string;
}

export interface UpdatePorts {
  store: UpdateStore;
  commands: RunCommand;
  builds: BuildSource;
  links: ArtifactLinks;
  checks: UpdateChecks;
  health: HealthCheck;
  events: UpdateEvents;
  newId: () => string;
  now: () => Date;
}

export interface UpdateDeps {
  ports: UpdatePorts;
  settings: UpdateSettings;
  log: Log;
}
