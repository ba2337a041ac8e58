import type { DeploymentRecord } from '@branch-envs/shared/deployments/table';
import type { LogsCollected } from '@branch-envs/shared/events/LogsCollected';
import type { LogKind } from '@branch-envs/shared/events/LogsRequested';
import type { Log } from '../ports';
import type { RunCommand } from '../update/ports';

/** The ports of collecting one environment's logs (ADR 0030). */
export interface LogsPorts {
  records: { get(deployId: string): Promise<DeploymentRecord | undefined> };
  /** SSM Run Command, the same adapter the update uses, with the whole output kept. */
  commands: RunCommand;
  /** EC2 GetConsoleOutput, decoded; undefined when EC2 has none (yet). */
  console: { latest(instanceId: string): Promise<string | undefined> };
  /** Publishes LogsCollected caused by the request (a derived eventId, so a retry publishes the same one). */
  publish(data: LogsCollected['data'], cause: { eventId: string; correlationId: string }): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): Date;
}

export interface LogsSettings {
  /** The fixed logs document (`LogsDocument` in serverless.yml). */
  documentName: string;
  /** How long Run Command may take before the console output is sent instead. */
  waitSeconds: number;
  pollIntervalMs: number;
  /** `logs.redact` of the stage config. */
  redactPatterns: readonly string[];
}

export interface LogsDeps {
  ports: LogsPorts;
  settings: LogsSettings;
  log: Log;
}

/** The document's two parameters: data checked by its allowedPattern, read as environment variables. */
export const documentParameters = (kind: LogKind, lines: number): Record<string, string> => ({
  Kind: kind,
  Lines: String(lines),
});
