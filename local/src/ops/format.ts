import { formatDuration } from '@branch-envs/shared/duration';
import pc from 'picocolors';
import type { CheckResult } from './doctor/check';
import type { DoctorReport } from './doctor/runDoctor';
import type { EnvsResult } from './envs';
import type { DeadLetter } from './peek';
import type { DeadLetterQueue } from './queues';
import type { ReplayCount } from './replayCount';

type Colors = Pick<typeof pc, 'green' | 'red' | 'dim' | 'bold' | 'yellow'>;

/** picocolors already honours NO_COLOR, FORCE_COLOR and a non-TTY stdout. */
export const colors: Colors = pc;
const plain: Colors = { green: String, red: String, dim: String, bold: String, yellow: String };

const MARK = { pass: '✓', fail: '✗', info: '·' } as const;

export const formatCheck = (check: CheckResult, c: Colors = colors): string[] => {
  const paint = check.status === 'pass' ? c.green : check.status === 'fail' ? c.red : c.dim;
  const detail = check.detail ? ` ${c.dim('—')} ${check.detail}` : '';
  const lines = [`  ${paint(MARK[check.status])} ${check.name}${detail}`];
  if (check.fix) lines.push(`      ${c.yellow('fix:')} ${check.fix}`);
  return lines;
};

export const formatDoctor = (report: DoctorReport, c: Colors = colors): string => {
  const lines = [c.bold(`branch-envs ${report.stage} (${report.region})`)];
  let group = '';
  for (const check of report.checks) {
    if (check.group !== group) lines.push(c.bold(check.group));
    group = check.group;
    lines.push(...formatCheck(check, c));
  }
  const failed = report.checks.filter((x) => x.status === 'fail').length;
  lines.push(failed === 0 ? c.green('all checks pass') : c.red(`${failed} check(s) failed`));
  return lines.join('\n');
};

/** Left-aligned columns; the widest cell sets each column's width. */
export const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};

export const formatDlqs = (dlqs: DeadLetterQueue[]): string =>
  dlqs.length === 0
    ? 'no dead-letter queues in this stage'
    : table(
        ['SERVICE', 'DLQ', 'MESSAGES', 'SOURCE QUEUE'],
        dlqs.map((d) => [d.service, d.dlq.name, String(d.dlq.visible + d.dlq.inFlight), d.source.name]),
      );

export const formatDeadLetters = (service: string, letters: DeadLetter[]): string =>
  letters.length === 0
    ? `the ${service} dead-letter queue is empty`
    : table(
        ['EVENT TYPE', 'DEPLOY ID', 'RECEIVES', 'SENT', 'ERROR'],
        letters.map((l) => [
          l.eventType ?? '(not an event)',
          l.deployId ?? '-',
          String(l.receiveCount),
          l.sentAt ?? '-',
          l.error ?? 'not recorded (SQS keeps no error; see the function logs for this deploy id)',
        ]),
      );

export const formatCount = (count: ReplayCount): string => {
  const types = Object.entries(count.byType).sort(([a], [b]) => a.localeCompare(b));
  if (types.length === 0) return 'no archived events in the window';
  return `${table(
    ['EVENT TYPE', 'COUNT'],
    types.map(([t, n]) => [t, String(n)]),
  )}\n${count.total} event(s) in the window`;
};

export const formatEnvs = (result: EnvsResult): string => {
  const body =
    result.environments.length === 0
      ? 'no live environments'
      : table(
          ['DEPLOY ID', 'OWNER', 'BRANCH', 'STATE', 'AGE', 'EXPIRES IN'],
          result.environments.map((e) => [
            e.deployId,
            e.owner,
            e.branch,
            e.state,
            formatDuration(e.ageSeconds),
            e.expiresInSeconds > 0 ? formatDuration(e.expiresInSeconds) : 'expired',
          ]),
        );
  return result.unreadable > 0
    ? `${body}\n(${result.unreadable} live item(s) did not parse as deployments)`
    : body;
};

export { plain };
