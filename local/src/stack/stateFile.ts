import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../templates/packaging';

/** What a running local stack tells the CLI (`.local-state/endpoints.json`). */
export interface StackEndpoints {
  pid: number;
  startedAt: string;
  region: string;
  motoEndpoint: string;
  httpApiUrl: string;
  /** Where Slack would post slash commands: the HTTP API's `/slack/commands` route. */
  ingressUrl: string;
  slackCatcherUrl: string;
  githubUrl: string;
  githubReal: boolean;
  simulatorUrl: string;
  /** The Run Command stand-in: SSM's endpoint for the functions (AWS_ENDPOINT_URL_SSM). */
  runCommandUrl?: string;
  controlUrl: string;
  /** SSM SecureString holding the signing secret the CLI signs with. */
  signingSecretParameter: string;
  deploymentsTable: string;
}

export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local-state');
export const ENDPOINTS_FILE = 'endpoints.json';

export class StackNotRunningError extends Error {
  public constructor(file: string) {
    super(`No local stack is running (no ${file}). Start one with \`npm start\` in another terminal.`);
    this.name = 'StackNotRunningError';
  }
}

export const writeEndpoints = (stateDir: string, endpoints: StackEndpoints): string => {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, ENDPOINTS_FILE);
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  return file;
};

export const removeEndpoints = (stateDir: string): void => {
  rmSync(join(stateDir, ENDPOINTS_FILE), { force: true });
};

/** The endpoints of the running stack: `$BRANCH_ENVS_STATE_DIR`, else `<repo>/.local-state`. */
export const readEndpoints = (
  stateDir = process.env.BRANCH_ENVS_STATE_DIR ?? DEFAULT_STATE_DIR,
): StackEndpoints => {
  const file = join(stateDir, ENDPOINTS_FILE);
  if (!existsSync(file)) throw new StackNotRunningError(file);
  return JSON.parse(readFileSync(file, 'utf8')) as StackEndpoints;
};
