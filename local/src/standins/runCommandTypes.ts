/**
 * The Run Command stand-in's vocabulary (ADR 0021): what SSM keeps about a command and each of its
 * invocations, in SSM's own words, and what an executor (the instance simulator playing the SSM
 * agent) returns for one invocation.
 */

/** `CommandInvocationStatus` as `GetCommandInvocation` names it. */
export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';

/** The parameters a document declares, and the one step that runs (the first `mainSteps` entry). */
export interface CommandDocument {
  name: string;
  version: string;
  parameters: Record<string, { allowedPattern?: RegExp; default?: string }>;
  step: { name: string; timeoutSeconds: number };
}

/** Finds a document by name (in moto's SSM); undefined when there is none. */
export type DocumentSource = (name: string) => Promise<CommandDocument | undefined>;

export interface CommandRecord {
  commandId: string;
  documentName: string;
  documentVersion: string;
  /** The step that runs: GetCommandInvocation's PluginName. */
  stepName: string;
  comment: string;
  instanceIds: string[];
  parameters: Record<string, string[]>;
  /** SendCommand's `TimeoutSeconds`: how long delivery may take before the command expires. */
  timeoutSeconds: number;
  requestedAt: Date;
}

export interface InvocationRecord {
  commandId: string;
  instanceId: string;
  status: InvocationStatus;
  /** SSM's StatusDetails as the API spells them: Pending, InProgress, Success, Failed, ExecutionTimedOut… */
  statusDetails: string;
  /** -1 until the script has ended, as in SSM. */
  responseCode: number;
  startedAt?: Date;
  endedAt?: Date;
  stdout: string;
  stderr: string;
}

/** What one run of a document's script on one instance ended with. */
export interface ExecutionOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** One invocation as an executor sees it: the parameters are data, never a command line. */
export interface ExecutionRequest {
  commandId: string;
  instanceId: string;
  documentName: string;
  parameters: Record<string, string[]>;
  /** Aborted when the document step's timeout passes: the script is "killed". */
  signal: AbortSignal;
}

/** Plays the SSM agent for one document: runs what the document's script would run. */
export type Executor = (request: ExecutionRequest) => Promise<ExecutionOutcome>;

/** Whether SSM would deliver to this instance: running, managed, its agent online. */
export type InstanceCheck = (instanceId: string) => Promise<boolean>;
