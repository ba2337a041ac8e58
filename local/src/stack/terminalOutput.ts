import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionLog } from '../runner/functionHost';
import { isRecord } from '../templates/cfnTypes';
import type { ResourceReport } from '../templates/templateApplier';
import type { StackEndpoints } from './stateFile';

const shortName = (functionName: string): string => functionName.replace(/^branch-envs-/, '');

/** One line of a function's structured (Powertools) log, shortened for a terminal. */
export const compactLogLine = (line: string): string => {
  try {
    const parsed: unknown = JSON.parse(line);
    if (isRecord(parsed) && typeof parsed.message === 'string') {
      const id = ['deployId', 'correlationId'].map((k) => parsed[k]).find((v) => typeof v === 'string');
      const instance = typeof parsed.instanceId === 'string' ? parsed.instanceId : undefined;
      const keys = [id, instance].filter(Boolean).join(' · ');
      const error =
        isRecord(parsed.error) && typeof parsed.error.message === 'string'
          ? ` — ${parsed.error.message}`
          : '';
      return `${String(parsed.level ?? 'INFO')} ${parsed.message}${error}${keys ? ` (${keys})` : ''}`;
    }
  } catch {
    // not JSON: print as it is
  }
  return line;
};

const two = (n: number): string => String(n).padStart(2, '0');

/** The wall-clock time of day, local time, to the millisecond: what each line of the stack's output starts with. */
export const timeOfDay = (at: Date): string =>
  `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;

/** Every line of `text` prefixed with the time, so a multi-line Slack message is stamped throughout. */
export const stamped = (text: string, at = new Date()): string =>
  text
    .split('\n')
    .map((line) => `${timeOfDay(at)} ${line}`)
    .join('\n');

/** console.log with every line stamped with the time it was printed. */
export const printStamped = (text: string): void => console.log(stamped(text));

/** Prints function output compactly and keeps every raw line of this run in `<stateDir>/logs/<function>.log`. */
export const terminalFunctionLog = (stateDir: string): FunctionLog => {
  const dir = join(stateDir, 'logs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return (functionName, line, stream) => {
    appendFileSync(join(dir, `${functionName}.log`), `${line}\n`);
    const text = stream === 'stdout' ? compactLogLine(line) : line;
    printStamped(`  [${shortName(functionName)}] ${text}`);
  };
};

/** The resources the runner plays or skips, grouped by type, so nothing is dropped without a word. */
export const summariseResources = (report: ResourceReport[]): string[] => {
  const groups = new Map<string, { count: number; note?: string }>();
  for (const r of report) {
    const key = `${r.outcome}|${r.type}|${r.note ?? ''}`;
    const group = groups.get(key) ?? { count: 0, note: r.note };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { count, note }]) => {
      const [outcome, type] = key.split('|');
      return `  ${String(outcome).padEnd(8)} ${count} × ${type}${outcome === 'skipped' && note ? ` — ${note}` : ''}`;
    });
};

export const endpointBanner = (e: StackEndpoints, startupMs: number): string =>
  [
    '',
    `branch-envs local stack is up (${(startupMs / 1000).toFixed(1)} s). Ctrl-C stops everything.`,
    `  Slack slash commands  ${e.ingressUrl}   (HTTP API: ${e.httpApiUrl})`,
    `  GitHub webhooks       ${e.httpApiUrl}/github/webhook   (npx branch-envs webhook pr-closed <branch>)`,
    `  Slack catcher         ${e.slackCatcherUrl}   (GET /_messages)`,
    `  GitHub                ${e.githubUrl}${e.githubReal ? '   (the real API: GITHUB_TOKEN is set)' : '   (stand-in, demo repo acme/shop)'}`,
    `  Instance simulator    ${e.simulatorUrl}/<instanceId>/health`,
    `  moto (AWS)            ${e.motoEndpoint}   region ${e.region}`,
    `  Control               ${e.controlUrl}   (GET /schedules, POST /schedules/<name>/fire)`,
    '',
    'Try it in a second terminal:',
    '  npx branch-envs slash "/deploy help"',
    '  npx branch-envs slash "/deploy demo-ready"        (as U0LOCAL1; --user U0ADMIN1 is the admin)',
    '  npx branch-envs slash "/deploy login"             then: npx branch-envs press 1   (its [1: Deploy this])',
    '  npx branch-envs local deployments',
    '',
  ].join('\n');
