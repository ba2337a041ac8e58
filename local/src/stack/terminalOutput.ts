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
      const keys = ['deployId', 'correlationId'].map((k) => parsed[k]).find((v) => typeof v === 'string');
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

/** Prints function output compactly and keeps every raw line of this run in `<stateDir>/logs/<function>.log`. */
export const terminalFunctionLog = (stateDir: string): FunctionLog => {
  const dir = join(stateDir, 'logs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return (functionName, line, stream) => {
    appendFileSync(join(dir, `${functionName}.log`), `${line}\n`);
    const text = stream === 'stdout' ? compactLogLine(line) : line;
    console.log(`  [${shortName(functionName)}] ${text}`);
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
    `  Slack catcher         ${e.slackCatcherUrl}   (GET /_messages)`,
    `  GitHub                ${e.githubUrl}${e.githubReal ? '   (the real API: GITHUB_TOKEN is set)' : '   (stand-in, demo repo acme/shop)'}`,
    `  Instance simulator    ${e.simulatorUrl}/<instanceId>/health`,
    `  moto (AWS)            ${e.motoEndpoint}   region ${e.region}`,
    `  Control               ${e.controlUrl}   (GET /schedules, POST /schedules/<name>/fire)`,
    '',
    'Try it in a second terminal:',
    '  npx branch-envs slash "/deploy help"',
    '  npx branch-envs slash "/deploy demo-ready"        (as U0LOCAL1; --user U0ADMIN1 is the admin)',
    '  npx branch-envs local deployments',
    '',
  ].join('\n');
